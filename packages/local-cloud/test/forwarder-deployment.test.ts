import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { NetworkManagementClient } from '@azure/arm-network';
import { compileParams } from '@azpn/bicep';
import { defaultScenario, startLocalCloud, trustCloudCa, type LocalCloud } from '../src/index.js';
import { whatIfLeaves } from './what-if-leaves.js';
import { cloudSdkAccess } from '../src/test-support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const rg = 'rg-forwarder';
const poll = { updateIntervalInMs: 20 };

let local: LocalCloud;
let deployments: DeploymentsClient;
let network: NetworkManagementClient;
let deployment: {
  template: Record<string, unknown>;
  parameters: Record<string, { value: unknown }>;
  mode: 'Incremental';
};

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  const { credential, options } = cloudSdkAccess(local.cloud);
  deployments = new DeploymentsClient(credential, local.cloud.subscriptionId, options);
  network = new NetworkManagementClient(credential, local.cloud.subscriptionId, options);
  await new ResourceManagementClient(
    credential,
    local.cloud.subscriptionId,
    options,
  ).resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
  const built = await compileParams(join(root, 'bicep', 'forwarder', 'main.bicepparam'));
  deployment = {
    template: built.template!,
    parameters: built.parameters.parameters as Record<string, { value: unknown }>,
    mode: 'Incremental',
  };
});
afterAll(async () => local.stop());

describe('the forwarder module deployed through the local cloud', () => {
  it('deploys with outputs read from what the providers allocated', async () => {
    const result = await deployments.deployments.createOrUpdate(
      rg,
      'forwarder',
      { properties: deployment },
      poll,
    );
    expect(result.properties?.provisioningState).toBe('Succeeded');
    const outputs = result.properties?.outputs as Record<string, { value: string }>;

    const endpoint = await network.privateEndpoints.get(
      rg,
      outputs.privateEndpointId!.value.split('/').pop()!,
    );
    const nicName = endpoint.networkInterfaces?.[0]?.id?.split('/').pop() ?? '';
    const nic = await network.networkInterfaces.get(rg, nicName);
    expect(outputs.privateEndpointIp!.value).toBe(nic.ipConfigurations?.[0]?.privateIPAddress);
    expect(endpoint.privateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe(
      'Approved',
    );

    const service = await network.privateLinkServices.get(rg, outputs.plsId!.value.split('/').pop()!);
    expect(outputs.plsAlias!.value).toBe(service.alias);
    expect(service.alias).toMatch(/^pls-[a-z0-9-]+\.[0-9a-f-]{36}\.westeurope\.azure\.privatelinkservice$/);
    expect(service.privateEndpointConnections?.[0]?.privateEndpoint?.id).toBe(endpoint.id);

    const balancer = await network.loadBalancers.get(rg, outputs.loadBalancerName!.value);
    const frontend = balancer.frontendIPConfigurations?.[0];
    expect(outputs.ilbFrontendIp!.value).toBe(frontend?.privateIPAddress);
    const subnet = await network.subnets.get(
      rg,
      frontend!.subnet!.id!.split('/')[8]!,
      frontend!.subnet!.id!.split('/').pop()!,
    );
    // The frontend, the service's NAT configuration: distinct addresses of the subnet, both registered on it.
    const natIp = service.ipConfigurations?.[0]?.privateIPAddress;
    expect(natIp).not.toBe(frontend?.privateIPAddress);
    expect(subnet.ipConfigurations?.map((c) => c.id?.toLowerCase())).toEqual(
      expect.arrayContaining(
        [frontend!.id!, service.ipConfigurations![0]!.id!].map((id) => id.toLowerCase()),
      ),
    );
  });

  it('what-if after the deployment reports only the noise the public reports show for these resources', async () => {
    const result = await deployments.deployments.whatIf(rg, 'forwarder', { properties: deployment }, poll);
    const changed = result.changes?.filter((c) => c.changeType !== 'NoChange' && c.changeType !== 'Ignore');
    const byType = Object.fromEntries(
      (changed ?? []).map((c) => [
        `${c.changeType} ${c.resourceId
          ?.split('/')
          .pop()
          ?.replace(/-[a-z0-9]+$/, '')}`,
        whatIfLeaves(c.delta).map((line) => line.replace(/"\/subscriptions\/[^"]+"/, '"<id>"')),
      ]),
    );
    const jumpboxSubnet = (index: number) => [
      `Delete properties.subnets.${index}.properties.delegations.0.id: "<id>" → ∅`, // arm-template-whatif#184
      `Delete properties.subnets.${index}.properties.delegations.0.type: "Microsoft.Network/virtualNetworks/subnets/delegations" → ∅`,
      `Delete properties.subnets.${index}.properties.privateEndpointNetworkPolicies: "Disabled" → ∅`, // #184, #284
      `Delete properties.subnets.${index}.properties.privateLinkServiceNetworkPolicies: "Enabled" → ∅`,
    ];
    expect(byType).toEqual({
      'Modify ng': ['Delete sku.tier: "Regional" → ∅'], // #418
      'Modify vnet-hub': jumpboxSubnet(1),
      'Modify vnet-spoke': [
        'Delete properties.subnets.0.properties.privateLinkServiceNetworkPolicies: "Enabled" → ∅',
        ...jumpboxSubnet(1),
      ],
      'Modify lbi': [
        'Delete properties.frontendIPConfigurations.0.properties.privateIPAddress: "10.0.1.4" → ∅', // #99
      ],
      'Modify pe': [
        'Delete properties.privateLinkServiceConnections.0.id: "<id>" → ∅', // #61
      ],
    });
    expect(result.changes?.filter((c) => c.changeType === 'NoChange').length).toBeGreaterThan(6);
  });
});
