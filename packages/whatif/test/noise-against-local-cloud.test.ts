import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { compileParams } from '@azpn/bicep';
import { LocalCloudAdmin, startLocalCloud, trustCloudCa, type LocalCloud } from '@azpn/local-cloud';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';
import type { ResourceChange } from '../src/changes.js';
import { builtInNoiseRules } from '../src/built-in-noise.js';
import { classifyChanges } from '../src/drift-classification.js';

/**
 * The built-in noise rules against the local cloud's what-if, which compares what providers answer with what the
 * template declares as ARM does and so shows the noise each public report documents. A deployment followed by
 * what-if is no drift once the rules have run; a change made out of band still is.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const poll = { updateIntervalInMs: 20 };
const location = 'westeurope';

let local: LocalCloud;
let admin: LocalCloudAdmin;
let deployments: DeploymentsClient;
let forwarder: { template: Record<string, unknown>; parameters: Record<string, { value: unknown }> };

async function deployAndWhatIf(rg: string, body: typeof forwarder): Promise<ResourceChange[]> {
  const properties = { ...body, mode: 'Incremental' as const };
  await deployments.deployments.createOrUpdate(rg, 'noise', { properties }, poll);
  return whatIf(rg, body);
}

async function whatIf(rg: string, body: typeof forwarder): Promise<ResourceChange[]> {
  const properties = { ...body, mode: 'Incremental' as const };
  const result = await deployments.deployments.whatIf(rg, 'noise-check', { properties }, poll);
  return (result.changes ?? []) as ResourceChange[];
}

/** `source type-tail path` for every noise finding, ids and indexes as what-if answered them. */
function findings(changes: ResourceChange[]): string[] {
  return classifyChanges(changes, builtInNoiseRules)
    .noise.map((n) => `${n.source} ${n.resourceId.split('/').at(-2)} ${n.path}`)
    .sort();
}

beforeAll(async () => {
  local = await startLocalCloud({});
  admin = new LocalCloudAdmin(local.cloud);
  await admin.setLatencies({ readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 });
  trustCloudCa(local.cloud.caPem);
  const { credential, options } = cloudSdkAccess(local.cloud);
  deployments = new DeploymentsClient(credential, local.cloud.subscriptionId, options);
  const groups = new ResourceManagementClient(credential, local.cloud.subscriptionId, options).resourceGroups;
  for (const rg of ['rg-noise-forwarder', 'rg-noise-children']) await groups.createOrUpdate(rg, { location });
  const built = await compileParams(join(root, 'bicep', 'forwarder', 'main.bicepparam'));
  const values = (built.parameters.parameters ?? {}) as Record<string, { value: unknown }>;
  forwarder = {
    template: built.template!,
    parameters: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v.value }])),
  };
});
afterAll(async () => local?.stop());

describe('the built-in noise rules against what-if right after a deployment', () => {
  it('the forwarder: every change is a reported case, and nothing is drift', async () => {
    const changes = await deployAndWhatIf('rg-noise-forwarder', forwarder);
    expect(changes.filter((c) => c.changeType === 'Modify').length).toBe(5);
    expect(classifyChanges(changes, builtInNoiseRules).drift).toEqual([]);
    expect(findings(changes)).toEqual(
      [
        // Azure/arm-template-whatif#184: a subnet's policies left at their defaults, a delegation's id and type.
        ...['vnet-hub', 'vnet-spoke'].flatMap((vnet) =>
          [
            'properties.subnets.1.properties.delegations.0.id',
            'properties.subnets.1.properties.delegations.0.type',
            'properties.subnets.1.properties.privateEndpointNetworkPolicies',
            'properties.subnets.1.properties.privateLinkServiceNetworkPolicies',
            ...(vnet === 'vnet-spoke'
              ? ['properties.subnets.0.properties.privateLinkServiceNetworkPolicies']
              : []),
          ].map((path) => `Azure/arm-template-whatif#184 virtualNetworks ${path}`),
        ),
        // #418: the NAT gateway's sku tier.
        'Azure/arm-template-whatif#418 natGateways sku.tier',
        // #61: the private endpoint's connection id.
        'Azure/arm-template-whatif#61 privateEndpoints properties.privateLinkServiceConnections.0.id',
        // #99: the load balancer frontend's dynamic address.
        'Azure/arm-template-whatif#99 loadBalancers properties.frontendIPConfigurations.0.properties.privateIPAddress',
      ].sort(),
    );
  });

  it('child subnets and peerings (#393, #341) and a NIC with a dynamic address (#168): noise, not drift', async () => {
    const network = (name: string, prefix: string) => ({
      type: 'Microsoft.Network/virtualNetworks',
      apiVersion: '2024-05-01',
      name,
      location,
      properties: { addressSpace: { addressPrefixes: [prefix] } },
    });
    const vnetId = (name: string) => `[resourceId('Microsoft.Network/virtualNetworks', '${name}')]`;
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        network('l3', '10.70.0.0/16'),
        network('l4', '10.71.0.0/16'),
        {
          type: 'Microsoft.Network/virtualNetworks/subnets',
          apiVersion: '2024-05-01',
          name: 'l3/apps',
          dependsOn: [vnetId('l3')],
          properties: {
            addressPrefix: '10.70.1.0/24',
            privateEndpointNetworkPolicies: 'Disabled',
            privateLinkServiceNetworkPolicies: 'Enabled',
          },
        },
        {
          type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
          apiVersion: '2024-05-01',
          name: 'l3/to-l4',
          dependsOn: [vnetId('l3'), vnetId('l4')],
          properties: { remoteVirtualNetwork: { id: vnetId('l4') }, allowVirtualNetworkAccess: true },
        },
        {
          type: 'Microsoft.Network/networkInterfaces',
          apiVersion: '2024-05-01',
          name: 'nic-probe',
          location,
          dependsOn: ["[resourceId('Microsoft.Network/virtualNetworks/subnets', 'l3', 'apps')]"],
          properties: {
            ipConfigurations: [
              {
                name: 'ipconfig',
                properties: {
                  privateIPAllocationMethod: 'Dynamic',
                  subnet: { id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'l3', 'apps')]" },
                },
              },
            ],
          },
        },
      ],
    };
    const changes = await deployAndWhatIf('rg-noise-children', { template, parameters: {} });
    expect(classifyChanges(changes, builtInNoiseRules).drift).toEqual([]);
    expect(findings(changes)).toEqual([
      'Azure/arm-template-whatif#168 networkInterfaces properties.ipConfigurations.0.properties.privateIPAddress',
      'Azure/arm-template-whatif#341 virtualNetworks properties.virtualNetworkPeerings',
      'Azure/arm-template-whatif#393 virtualNetworks properties.subnets',
    ]);
  });
});

describe('a change made out of band stays drift beside the noise', () => {
  it('the NAT gateway idle timeout changed in the portal is drift; its sku tier is still noise', async () => {
    const rg = 'rg-noise-forwarder';
    const natId = (await whatIf(rg, forwarder)).find((c) =>
      c.resourceId.includes('/natGateways/'),
    )!.resourceId;
    await admin.patchResource(natId, { properties: { idleTimeoutInMinutes: 30 } });
    const { drift, noise } = classifyChanges(await whatIf(rg, forwarder), builtInNoiseRules);
    expect(drift.map((c) => [c.resourceId, c.delta])).toEqual([
      [
        natId,
        [{ path: 'properties.idleTimeoutInMinutes', propertyChangeType: 'Modify', before: 30, after: 4 }],
      ],
    ]);
    expect(noise.filter((n) => n.resourceId === natId).map((n) => n.path)).toEqual(['sku.tier']);
  });
});
