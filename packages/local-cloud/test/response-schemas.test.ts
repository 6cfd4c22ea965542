import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import Ajv from 'ajv';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { compileParams } from '@azpn/bicep';
import {
  cloudRequest,
  defaultScenario,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '../src/index.js';
import { cloudSdkAccess } from '../src/test-support.js';

// Focused response schemas for the GET bodies of the resources the forwarder deploys, written from the
// definitions in azure-rest-api-specs: Microsoft.Network 2024-05-01 (networkInterface.json, privateEndpoint.json,
// loadBalancer.json, privateLinkService.json), Microsoft.Compute 2024-07-01 (virtualMachineScaleSet.json),
// Microsoft.Network/privateDnsZones 2024-06-01 (privatedns.json) and Microsoft.ContainerInstance 2023-05-01
// (containerInstance.json). Each `properties` bag is closed to the properties its definition declares; required
// lists hold the spec's required properties and the read-only ones Azure always returns on GET.

type Schema = Record<string, unknown>;

const guid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const segment = '[^/]+';
const string = { type: 'string' };
const boolean = { type: 'boolean' };
const integer = { type: 'integer' };
const strings = { type: 'array', items: string };
const tags = { type: 'object', additionalProperties: string };
const ipv4 = { type: 'string', format: 'ipv4' };

/** A closed object: only `properties`, with `required` present. */
function closed(properties: Record<string, unknown>, required: string[] = []): Schema {
  return { type: 'object', properties, required, additionalProperties: false };
}

/** An ARM id of a resource of `type` (`Provider/type[/child…]`) in some resource group. */
function idOf(type: string): Schema {
  const [namespace, ...types] = type.split('/');
  const path = types.map((t) => `/${t}/${segment}`).join('');
  return {
    type: 'string',
    pattern: `^/subscriptions/${guid}/resourceGroups/${segment}/providers/${namespace}${path}$`,
  };
}

const reference = (type: string) => closed({ id: idOf(type) }, ['id']);

// network.json: ProvisioningState, and the W/"guid" etags Microsoft.Network answers.
const provisioningState = { enum: ['Succeeded', 'Updating', 'Deleting', 'Failed'] };
const networkEtag = { type: 'string', pattern: `^W/"${guid}"$` };
const allocation = { enum: ['Static', 'Dynamic'] };
const ipVersion = { enum: ['IPv4', 'IPv6'] };
const subnetReference = reference('Microsoft.Network/virtualNetworks/subnets');

/** A tracked Microsoft.Network resource: network.json Resource plus the type's own envelope fields. */
function networkResource(type: string, properties: Schema, extra: Record<string, unknown> = {}): Schema {
  return closed(
    {
      id: idOf(type),
      name: string,
      type: { const: type },
      location: string,
      tags,
      etag: networkEtag,
      extendedLocation: { type: 'object' },
      properties,
      ...extra,
    },
    ['id', 'name', 'type', 'location', 'etag', 'properties'],
  );
}

/** A child of a Microsoft.Network resource (SubResource with name, type, etag, properties). */
function networkChild(type: string, properties: Schema, extra: Record<string, unknown> = {}): Schema {
  return closed(
    { id: idOf(type), name: string, type: { const: type }, etag: networkEtag, properties, ...extra },
    ['id', 'name', 'properties'],
  );
}

const nicIpConfiguration = networkChild(
  'Microsoft.Network/networkInterfaces/ipConfigurations',
  closed(
    {
      gatewayLoadBalancer: { type: 'object' },
      virtualNetworkTaps: { type: 'array' },
      applicationGatewayBackendAddressPools: { type: 'array' },
      loadBalancerBackendAddressPools: { type: 'array' },
      loadBalancerInboundNatRules: { type: 'array' },
      privateIPAddress: ipv4,
      privateIPAddressPrefixLength: integer,
      privateIPAllocationMethod: allocation,
      privateIPAddressVersion: ipVersion,
      subnet: subnetReference,
      primary: boolean,
      publicIPAddress: { type: 'object' },
      applicationSecurityGroups: { type: 'array' },
      provisioningState,
      privateLinkConnectionProperties: closed({
        groupId: string,
        requiredMemberName: string,
        fqdns: strings,
      }),
    },
    ['privateIPAddress', 'privateIPAllocationMethod', 'subnet', 'provisioningState'],
  ),
);

const networkInterface = networkResource(
  'Microsoft.Network/networkInterfaces',
  closed(
    {
      virtualMachine: { type: 'object' },
      networkSecurityGroup: { type: 'object' },
      privateEndpoint: reference('Microsoft.Network/privateEndpoints'),
      ipConfigurations: { type: 'array', minItems: 1, items: nicIpConfiguration },
      tapConfigurations: { type: 'array' },
      dnsSettings: closed({
        dnsServers: strings,
        appliedDnsServers: strings,
        internalDnsNameLabel: string,
        internalFqdn: string,
        internalDomainNameSuffix: string,
      }),
      macAddress: string,
      primary: boolean,
      vnetEncryptionSupported: boolean,
      defaultOutboundConnectivityEnabled: boolean,
      enableAcceleratedNetworking: boolean,
      disableTcpStateTracking: boolean,
      enableIPForwarding: boolean,
      hostedWorkloads: strings,
      dscpConfiguration: { type: 'object' },
      resourceGuid: { type: 'string', pattern: `^${guid}$` },
      provisioningState,
      workloadType: string,
      nicType: { enum: ['Standard', 'Elastic'] },
      privateLinkService: { type: 'object' },
      migrationPhase: { enum: ['None', 'Prepare', 'Commit', 'Abort', 'Committed'] },
      auxiliaryMode: { enum: ['None', 'MaxConnections', 'Floating', 'AcceleratedConnections'] },
      auxiliarySku: { enum: ['None', 'A1', 'A2', 'A4', 'A8'] },
    },
    ['ipConfigurations', 'resourceGuid', 'provisioningState'],
  ),
);

// privateLinkService.json PrivateLinkServiceConnectionState.
const connectionState = closed({ status: string, description: string, actionsRequired: string }, ['status']);

const privateLinkServiceConnection = networkChild(
  'Microsoft.Network/privateEndpoints/privateLinkServiceConnections',
  closed(
    {
      provisioningState,
      privateLinkServiceId: idOf('Microsoft.Network/privateLinkServices'),
      groupIds: strings,
      requestMessage: { type: 'string', maxLength: 140 },
      privateLinkServiceConnectionState: connectionState,
    },
    ['provisioningState', 'privateLinkServiceId', 'privateLinkServiceConnectionState'],
  ),
);

const privateEndpoint = networkResource(
  'Microsoft.Network/privateEndpoints',
  closed(
    {
      subnet: subnetReference,
      networkInterfaces: {
        type: 'array',
        minItems: 1,
        items: reference('Microsoft.Network/networkInterfaces'),
      },
      provisioningState,
      privateLinkServiceConnections: { type: 'array', items: privateLinkServiceConnection },
      manualPrivateLinkServiceConnections: { type: 'array', items: privateLinkServiceConnection },
      customDnsConfigs: {
        type: 'array',
        items: closed({ fqdn: string, ipAddresses: { type: 'array', items: ipv4 } }),
      },
      applicationSecurityGroups: { type: 'array' },
      ipConfigurations: { type: 'array' },
      customNetworkInterfaceName: string,
    },
    ['subnet', 'networkInterfaces', 'provisioningState'],
  ),
);

const frontendIpConfiguration = networkChild(
  'Microsoft.Network/loadBalancers/frontendIPConfigurations',
  closed(
    {
      inboundNatRules: { type: 'array' },
      inboundNatPools: { type: 'array' },
      outboundRules: { type: 'array' },
      loadBalancingRules: {
        type: 'array',
        items: reference('Microsoft.Network/loadBalancers/loadBalancingRules'),
      },
      privateIPAddress: ipv4,
      privateIPAllocationMethod: allocation,
      privateIPAddressVersion: ipVersion,
      subnet: subnetReference,
      publicIPAddress: { type: 'object' },
      publicIPPrefix: { type: 'object' },
      gatewayLoadBalancer: { type: 'object' },
      provisioningState,
    },
    ['provisioningState'],
  ),
  { zones: strings },
);

const loadBalancer = networkResource(
  'Microsoft.Network/loadBalancers',
  closed(
    {
      frontendIPConfigurations: { type: 'array', items: frontendIpConfiguration },
      backendAddressPools: {
        type: 'array',
        items: networkChild(
          'Microsoft.Network/loadBalancers/backendAddressPools',
          closed(
            {
              location: string,
              tunnelInterfaces: { type: 'array' },
              loadBalancerBackendAddresses: { type: 'array' },
              backendIPConfigurations: { type: 'array', items: closed({ id: string }, ['id']) },
              loadBalancingRules: { type: 'array' },
              outboundRule: { type: 'object' },
              outboundRules: { type: 'array' },
              inboundNatRules: { type: 'array' },
              provisioningState,
              drainPeriodInSeconds: integer,
              virtualNetwork: { type: 'object' },
              syncMode: { enum: ['Automatic', 'Manual'] },
            },
            ['provisioningState'],
          ),
        ),
      },
      loadBalancingRules: {
        type: 'array',
        items: networkChild(
          'Microsoft.Network/loadBalancers/loadBalancingRules',
          closed(
            {
              frontendIPConfiguration: reference('Microsoft.Network/loadBalancers/frontendIPConfigurations'),
              backendAddressPool: reference('Microsoft.Network/loadBalancers/backendAddressPools'),
              backendAddressPools: { type: 'array' },
              probe: reference('Microsoft.Network/loadBalancers/probes'),
              protocol: { enum: ['Udp', 'Tcp', 'All'] },
              loadDistribution: { enum: ['Default', 'SourceIP', 'SourceIPProtocol'] },
              frontendPort: { type: 'integer', minimum: 0, maximum: 65534 },
              backendPort: { type: 'integer', minimum: 0, maximum: 65535 },
              idleTimeoutInMinutes: integer,
              enableFloatingIP: boolean,
              enableTcpReset: boolean,
              disableOutboundSnat: boolean,
              provisioningState,
            },
            ['protocol', 'frontendPort', 'provisioningState'],
          ),
        ),
      },
      probes: {
        type: 'array',
        items: networkChild(
          'Microsoft.Network/loadBalancers/probes',
          closed(
            {
              loadBalancingRules: { type: 'array' },
              protocol: { enum: ['Http', 'Tcp', 'Https'] },
              port: { type: 'integer', minimum: 1, maximum: 65535 },
              intervalInSeconds: integer,
              noHealthyBackendsBehavior: { enum: ['AllProbedDown', 'AllProbedUp'] },
              numberOfProbes: integer,
              probeThreshold: integer,
              requestPath: string,
              provisioningState,
            },
            ['protocol', 'port', 'provisioningState'],
          ),
        ),
      },
      inboundNatRules: { type: 'array' },
      inboundNatPools: { type: 'array' },
      outboundRules: { type: 'array' },
      resourceGuid: { type: 'string', pattern: `^${guid}$` },
      provisioningState,
    },
    ['frontendIPConfigurations', 'resourceGuid', 'provisioningState'],
  ),
  {
    sku: closed({ name: { enum: ['Basic', 'Standard', 'Gateway'] }, tier: { enum: ['Regional', 'Global'] } }),
  },
);

const privateLinkService = networkResource(
  'Microsoft.Network/privateLinkServices',
  closed(
    {
      loadBalancerFrontendIpConfigurations: {
        type: 'array',
        minItems: 1,
        items: reference('Microsoft.Network/loadBalancers/frontendIPConfigurations'),
      },
      ipConfigurations: {
        type: 'array',
        minItems: 1,
        items: networkChild(
          'Microsoft.Network/privateLinkServices/ipConfigurations',
          closed(
            {
              privateIPAddress: ipv4,
              privateIPAllocationMethod: allocation,
              subnet: subnetReference,
              primary: boolean,
              provisioningState,
              privateIPAddressVersion: ipVersion,
            },
            ['privateIPAddress', 'subnet', 'provisioningState'],
          ),
        ),
      },
      destinationIPAddress: ipv4,
      networkInterfaces: { type: 'array', items: reference('Microsoft.Network/networkInterfaces') },
      provisioningState,
      privateEndpointConnections: {
        type: 'array',
        items: networkChild(
          'Microsoft.Network/privateLinkServices/privateEndpointConnections',
          closed(
            {
              privateEndpoint: closed(
                { id: idOf('Microsoft.Network/privateEndpoints'), extendedLocation: {} },
                ['id'],
              ),
              privateLinkServiceConnectionState: connectionState,
              provisioningState,
              linkIdentifier: string,
              privateEndpointLocation: string,
            },
            ['privateEndpoint', 'privateLinkServiceConnectionState', 'provisioningState'],
          ),
        ),
      },
      visibility: closed({ subscriptions: strings }),
      autoApproval: closed({ subscriptions: strings }),
      fqdns: strings,
      alias: { type: 'string', pattern: `^${segment}\\.${guid}\\.[a-z0-9]+\\.azure\\.privatelinkservice$` },
      enableProxyProtocol: boolean,
    },
    ['loadBalancerFrontendIpConfigurations', 'ipConfigurations', 'provisioningState', 'alias'],
  ),
);

// privatedns.json: RecordSet (a ProxyResource with an etag) and RecordSetProperties.
const aRecordSet = closed(
  {
    id: idOf('Microsoft.Network/privateDnsZones/A'),
    name: string,
    type: { const: 'Microsoft.Network/privateDnsZones/A' },
    etag: { type: 'string', pattern: `^${guid}$` },
    properties: closed(
      {
        metadata: tags,
        ttl: { type: 'integer', minimum: 0 },
        fqdn: { type: 'string', pattern: '\\.$' },
        isAutoRegistered: boolean,
        aRecords: { type: 'array', items: closed({ ipv4Address: ipv4 }) },
        aaaaRecords: { type: 'array' },
        cnameRecord: { type: 'object' },
        mxRecords: { type: 'array' },
        ptrRecords: { type: 'array' },
        soaRecord: { type: 'object' },
        srvRecords: { type: 'array' },
        txtRecords: { type: 'array' },
      },
      ['ttl', 'fqdn', 'isAutoRegistered', 'aRecords'],
    ),
  },
  ['id', 'name', 'type', 'etag', 'properties'],
);

// virtualMachineScaleSet.json (ComputeRP 2024-07-01). Compute's etag is a quoted counter; osProfile's
// customData and adminPassword are write-only and never come back.
const scaleSet = closed(
  {
    id: idOf('Microsoft.Compute/virtualMachineScaleSets'),
    name: string,
    type: { const: 'Microsoft.Compute/virtualMachineScaleSets' },
    location: string,
    tags,
    sku: closed({ name: string, tier: string, capacity: { type: 'integer', minimum: 0 } }),
    plan: { type: 'object' },
    identity: { type: 'object' },
    zones: strings,
    extendedLocation: { type: 'object' },
    etag: { type: 'string', pattern: '^"\\d+"$' },
    properties: closed(
      {
        upgradePolicy: {
          type: 'object',
          properties: { mode: { enum: ['Automatic', 'Manual', 'Rolling'] } },
        },
        scheduledEventsPolicy: { type: 'object' },
        automaticRepairsPolicy: { type: 'object' },
        virtualMachineProfile: {
          type: 'object',
          properties: {
            osProfile: {
              type: 'object',
              properties: { computerNamePrefix: string, adminUsername: string },
              not: { anyOf: [{ required: ['customData'] }, { required: ['adminPassword'] }] },
            },
            networkProfile: {
              type: 'object',
              properties: {
                networkInterfaceConfigurations: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['name', 'properties'],
                    properties: {
                      properties: { type: 'object', required: ['ipConfigurations'] },
                    },
                  },
                },
              },
            },
          },
        },
        provisioningState: string,
        overprovision: boolean,
        doNotRunExtensionsOnOverprovisionedVMs: boolean,
        uniqueId: { type: 'string', pattern: `^${guid}$` },
        singlePlacementGroup: boolean,
        zoneBalance: boolean,
        platformFaultDomainCount: integer,
        proximityPlacementGroup: { type: 'object' },
        hostGroup: { type: 'object' },
        additionalCapabilities: { type: 'object' },
        scaleInPolicy: { type: 'object' },
        orchestrationMode: { enum: ['Uniform', 'Flexible'] },
        spotRestorePolicy: { type: 'object' },
        priorityMixPolicy: { type: 'object' },
        timeCreated: { type: 'string', format: 'date-time' },
        constrainedMaximumCapacity: boolean,
        resiliencyPolicy: { type: 'object' },
        zonalPlatformFaultDomainAlignMode: { enum: ['Aligned', 'Unaligned'] },
        skuProfile: { type: 'object' },
      },
      ['provisioningState', 'uniqueId', 'timeCreated', 'orchestrationMode'],
    ),
  },
  ['id', 'name', 'type', 'location', 'sku', 'etag', 'properties'],
);

// containerInstance.json (2023-05-01).
const containerState = closed({
  state: string,
  startTime: { type: 'string', format: 'date-time' },
  exitCode: integer,
  finishTime: { type: 'string', format: 'date-time' },
  detailStatus: string,
});
const containerGroup = closed(
  {
    id: idOf('Microsoft.ContainerInstance/containerGroups'),
    name: string,
    type: { const: 'Microsoft.ContainerInstance/containerGroups' },
    location: string,
    tags,
    zones: strings,
    identity: { type: 'object' },
    properties: closed(
      {
        provisioningState: string,
        containers: {
          type: 'array',
          minItems: 1,
          items: closed(
            {
              name: string,
              properties: closed(
                {
                  image: string,
                  command: strings,
                  ports: {
                    type: 'array',
                    items: closed({ protocol: { enum: ['TCP', 'UDP'] }, port: integer }, ['port']),
                  },
                  environmentVariables: {
                    type: 'array',
                    // secureValue is write-only.
                    items: closed({ name: string, value: string }, ['name']),
                  },
                  resources: closed(
                    {
                      requests: closed(
                        { memoryInGB: { type: 'number' }, cpu: { type: 'number' }, gpu: { type: 'object' } },
                        ['memoryInGB', 'cpu'],
                      ),
                      limits: { type: 'object' },
                    },
                    ['requests'],
                  ),
                  instanceView: closed({
                    restartCount: integer,
                    currentState: containerState,
                    previousState: containerState,
                    events: { type: 'array' },
                  }),
                  volumeMounts: { type: 'array' },
                  livenessProbe: { type: 'object' },
                  readinessProbe: { type: 'object' },
                  securityContext: { type: 'object' },
                },
                ['image', 'resources'],
              ),
            },
            ['name', 'properties'],
          ),
        },
        imageRegistryCredentials: { type: 'array' },
        restartPolicy: { enum: ['Always', 'OnFailure', 'Never'] },
        ipAddress: closed(
          {
            ports: {
              type: 'array',
              items: closed({ protocol: { enum: ['TCP', 'UDP'] }, port: integer }, ['port']),
            },
            type: { enum: ['Public', 'Private'] },
            ip: ipv4,
            dnsNameLabel: string,
            autoGeneratedDomainNameLabelScope: string,
            fqdn: string,
          },
          ['ports', 'type'],
        ),
        osType: { enum: ['Windows', 'Linux'] },
        volumes: { type: 'array' },
        instanceView: closed({ events: { type: 'array' }, state: string }),
        diagnostics: { type: 'object' },
        subnetIds: {
          type: 'array',
          items: closed({ id: idOf('Microsoft.Network/virtualNetworks/subnets'), name: string }, ['id']),
        },
        dnsConfig: { type: 'object' },
        sku: { enum: ['Standard', 'Dedicated', 'Confidential'] },
        encryptionProperties: { type: 'object' },
        initContainers: { type: 'array' },
        extensions: { type: 'array' },
        confidentialComputeProperties: { type: 'object' },
        priority: { enum: ['Regular', 'Spot'] },
      },
      ['containers', 'osType', 'provisioningState'],
    ),
  },
  ['id', 'name', 'type', 'location', 'properties'],
);

const ajv = new Ajv({ allErrors: true, jsonPointers: true });
const validators = {
  networkInterface: ajv.compile(networkInterface),
  privateEndpoint: ajv.compile(privateEndpoint),
  loadBalancer: ajv.compile(loadBalancer),
  privateLinkService: ajv.compile(privateLinkService),
  scaleSet: ajv.compile(scaleSet),
  aRecordSet: ajv.compile(aRecordSet),
  containerGroup: ajv.compile(containerGroup),
};
type Kind = keyof typeof validators;

/** Where a sub-resource's `name` is not the last segment of its `id` (ARM's ids and names always agree). */
function nameMismatches(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => nameMismatches(v, `${path}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  const { id, name } = value as { id?: unknown; name?: unknown };
  const own =
    typeof id === 'string' && typeof name === 'string' && id.split('/').pop() !== name
      ? [`${path || '/'}: name '${name}' but id ends '${id.split('/').pop()}'`]
      : [];
  return [...own, ...Object.entries(value).flatMap(([k, v]) => nameMismatches(v, `${path}/${k}`))];
}

/** The schema errors and id/name mismatches of a body, as readable lines; empty when it conforms. */
function problems(kind: Kind, body: unknown): string[] {
  const validate = validators[kind];
  const errors = validate(body)
    ? []
    : (validate.errors ?? []).map(
        (e) =>
          `${e.dataPath || '/'} ${e.message ?? ''}${e.keyword === 'additionalProperties' ? `: ${JSON.stringify(e.params)}` : ''}`,
      );
  return [...errors, ...nameMismatches(body)];
}

const root = join(import.meta.dirname, '..', '..', '..');
const rg = 'rg-schemas';
let local: LocalCloud;
let token: string;
const bodies = {} as Record<Kind, Record<string, unknown>>;

async function get(id: string, apiVersion: string): Promise<Record<string, unknown>> {
  const response = await cloudRequest(
    local.cloud.caPem,
    'GET',
    `${local.cloud.resourceManager}${id.slice(1)}?api-version=${apiVersion}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  expect(response.status).toBe(200);
  return response.body as Record<string, unknown>;
}

beforeAll(async () => {
  const compiled = compileParams(join(root, 'bicep', 'forwarder', 'main.bicepparam'));
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  const { credential, scope, options } = cloudSdkAccess(local.cloud);
  token = (await credential.getToken(scope)).token;
  await new ResourceManagementClient(
    credential,
    local.cloud.subscriptionId,
    options,
  ).resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
  const built = await compiled;
  const deployments = new DeploymentsClient(credential, local.cloud.subscriptionId, options);
  const result = await deployments.deployments.createOrUpdate(
    rg,
    'forwarder',
    {
      properties: {
        template: built.template,
        parameters: built.parameters.parameters as Record<string, { value: unknown }>,
        mode: 'Incremental',
      },
    },
    { updateIntervalInMs: 20 },
  );
  const outputs = result.properties!.outputs as Record<string, { value: string }>;
  const group = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers`;
  bodies.privateEndpoint = await get(outputs.privateEndpointId!.value, '2024-05-01');
  const nicId = (bodies.privateEndpoint.properties as { networkInterfaces: { id: string }[] })
    .networkInterfaces[0]!.id;
  bodies.networkInterface = await get(nicId, '2024-05-01');
  bodies.loadBalancer = await get(
    `${group}/Microsoft.Network/loadBalancers/${outputs.loadBalancerName!.value}`,
    '2024-05-01',
  );
  bodies.privateLinkService = await get(outputs.plsId!.value, '2024-05-01');
  const [record, zone] = [outputs.recordFqdn!.value.split('.')[0]!, outputs.dnsZoneName!.value];
  bodies.aRecordSet = await get(
    `${group}/Microsoft.Network/privateDnsZones/${zone}/A/${record}`,
    '2024-06-01',
  );
  bodies.containerGroup = await get(outputs.hubJumpboxId!.value, '2023-05-01');
  const listed = await cloudRequest(
    local.cloud.caPem,
    'GET',
    `${local.cloud.resourceManager}subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/resources?api-version=2021-04-01&$filter=resourceType eq 'Microsoft.Compute/virtualMachineScaleSets'`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  const scaleSetId = (listed.body as { value: { id: string }[] }).value[0]!.id;
  bodies.scaleSet = await get(scaleSetId, '2024-07-01');
});
afterAll(async () => local.stop());

describe('GET bodies against the swagger definitions', () => {
  it.each(Object.keys(validators) as Kind[])('%s conforms', (kind) => {
    expect(problems(kind, bodies[kind])).toEqual([]);
  });

  it('carries the read-only values Azure computes', () => {
    const endpoint = bodies.privateEndpoint.properties as Record<string, unknown>;
    expect(endpoint.provisioningState).toBe('Succeeded');
    const service = bodies.privateLinkService.properties as {
      privateEndpointConnections: { properties: { privateEndpoint: { id: string } } }[];
    };
    expect(service.privateEndpointConnections.map((c) => c.properties.privateEndpoint.id)).toEqual([
      bodies.privateEndpoint.id,
    ]);
    expect((bodies.containerGroup.properties as { provisioningState: string }).provisioningState).toBe(
      'Succeeded',
    );
    expect((bodies.scaleSet.properties as { provisioningState: string }).provisioningState).toBe('Succeeded');
  });

  it('rejects bodies with the mistakes the schemas exist to catch', () => {
    /** The problems of a copy of `kind`'s body whose value at `pointer` is `next(old)` (removed when undefined). */
    const broken = (kind: Kind, pointer: string, next: (old: unknown) => unknown): string[] => {
      const copy = structuredClone(bodies[kind]);
      const keys = pointer.split('/').slice(1);
      const last = keys.pop()!;
      const parent = keys.reduce((node, key) => node[key] as Record<string, unknown>, copy);
      const value = next(parent[last]);
      if (value === undefined) delete parent[last];
      else parent[last] = value;
      return problems(kind, copy);
    };
    const remove = () => undefined;
    expect(broken('networkInterface', '/properties/provisioningState', () => 'Done')).toEqual([
      '/properties/provisioningState should be equal to one of the allowed values',
    ]);
    expect(
      broken('privateEndpoint', '/properties/resourceGuid', () => '00000000-0000-0000-0000-000000000000'),
    ).toEqual([`/properties should NOT have additional properties: {"additionalProperty":"resourceGuid"}`]);
    expect(
      broken('loadBalancer', '/properties/loadBalancingRules/0/properties/frontendPort', remove),
    ).toEqual(["/properties/loadBalancingRules/0/properties should have required property 'frontendPort'"]);
    expect(
      broken('privateLinkService', '/properties/privateEndpointConnections/0/name', () => 'other'),
    ).toEqual([
      expect.stringMatching(/^\/properties\/privateEndpointConnections\/0: name 'other' but id ends/),
    ]);
    expect(broken('aRecordSet', '/etag', (etag) => `W/"${String(etag)}"`)).toEqual([
      expect.stringMatching(/^\/etag should match pattern/),
    ]);
    expect(broken('containerGroup', '/properties/ipAddress/ports', remove)).toEqual([
      "/properties/ipAddress should have required property 'ports'",
    ]);
    expect(
      broken(
        'scaleSet',
        '/properties/virtualMachineProfile/osProfile/customData',
        () => 'I2Nsb3VkLWNvbmZpZw==',
      ),
    ).toEqual(['/properties/virtualMachineProfile/osProfile should NOT be valid']);
    expect(broken('scaleSet', '/etag', remove)).toEqual(["/ should have required property 'etag'"]);
  });
});
