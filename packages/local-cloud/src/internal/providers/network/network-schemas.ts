import Ajv from 'ajv';
import type { Reply } from '../../http/exchange.js';
import { armError } from '../../arm/arm-error.js';

// Transcribed from the Microsoft.Network 2024-05-01 definitions of azure-rest-api-specs (virtualNetwork.json,
// networkInterface.json, network.json): the types, enums and formats of the properties the suite sends. Like the
// service, unknown properties are accepted, read-only ones are ignored.
const subResource = { type: 'object', properties: { id: { type: 'string' } } };
const stringList = { type: 'array', items: { type: 'string' } };
const tags = { type: 'object', additionalProperties: { type: 'string' } };

const subnetProperties = {
  type: 'object',
  properties: {
    addressPrefix: { type: 'string' },
    addressPrefixes: stringList,
    networkSecurityGroup: subResource,
    routeTable: subResource,
    natGateway: subResource,
    serviceEndpoints: {
      type: 'array',
      items: { type: 'object', properties: { service: { type: 'string' }, locations: stringList } },
    },
    delegations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          properties: { type: 'object', properties: { serviceName: { type: 'string' } } },
        },
      },
    },
    privateEndpointNetworkPolicies: {
      enum: ['Enabled', 'Disabled', 'NetworkSecurityGroupEnabled', 'RouteTableEnabled'],
    },
    privateLinkServiceNetworkPolicies: { enum: ['Enabled', 'Disabled'] },
    defaultOutboundAccess: { type: 'boolean' },
    sharingScope: { enum: ['Tenant', 'DelegatedServices'] },
  },
};

const subnet = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, properties: subnetProperties },
};

const virtualNetwork = {
  type: 'object',
  required: ['location'],
  properties: {
    location: { type: 'string' },
    tags,
    properties: {
      type: 'object',
      properties: {
        addressSpace: { type: 'object', properties: { addressPrefixes: stringList } },
        dhcpOptions: { type: 'object', properties: { dnsServers: stringList } },
        subnets: { type: 'array', items: subnet },
        enableDdosProtection: { type: 'boolean' },
        enableVmProtection: { type: 'boolean' },
        ddosProtectionPlan: subResource,
        flowTimeoutInMinutes: { type: 'integer' },
        privateEndpointVNetPolicies: { enum: ['Disabled', 'Basic'] },
      },
    },
  },
};

const ipConfiguration = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    properties: {
      type: 'object',
      properties: {
        subnet: subResource,
        privateIPAddress: { type: 'string' },
        privateIPAllocationMethod: { enum: ['Static', 'Dynamic'] },
        privateIPAddressVersion: { enum: ['IPv4', 'IPv6'] },
        primary: { type: 'boolean' },
        publicIPAddress: subResource,
        loadBalancerBackendAddressPools: { type: 'array', items: subResource },
        applicationSecurityGroups: { type: 'array', items: subResource },
      },
    },
  },
};

const networkInterface = {
  type: 'object',
  required: ['location'],
  properties: {
    location: { type: 'string' },
    tags,
    properties: {
      type: 'object',
      properties: {
        ipConfigurations: { type: 'array', items: ipConfiguration },
        networkSecurityGroup: subResource,
        dnsSettings: {
          type: 'object',
          properties: { dnsServers: stringList, internalDnsNameLabel: { type: 'string' } },
        },
        enableAcceleratedNetworking: { type: 'boolean' },
        enableIPForwarding: { type: 'boolean' },
        disableTcpStateTracking: { type: 'boolean' },
        nicType: { enum: ['Standard', 'Elastic'] },
        auxiliaryMode: { enum: ['None', 'MaxConnections', 'Floating', 'AcceleratedConnections'] },
      },
    },
  },
};

// publicIpAddress.json, natGateway.json, networkSecurityGroup.json and virtualNetwork.json (peerings), 2024-05-01:
// their enums are modelAsString, so values are checked by the providers (with the service's own codes), types here.
const text = { type: 'string' };
const flag = { type: 'boolean' };
const subResources = { type: 'array', items: subResource };
const topLevel = (properties: object, sku?: object) => ({
  type: 'object',
  required: ['location'],
  properties: {
    location: text,
    tags,
    zones: stringList,
    ...(sku === undefined ? {} : { sku }),
    properties: { type: 'object', properties },
  },
});

const publicIPAddress = topLevel(
  {
    publicIPAllocationMethod: text,
    publicIPAddressVersion: text,
    idleTimeoutInMinutes: { type: 'integer' },
    ipAddress: text,
    publicIPPrefix: subResource,
    deleteOption: text,
    dnsSettings: { type: 'object', properties: { domainNameLabel: text, fqdn: text } },
    ipTags: { type: 'array', items: { type: 'object', properties: { ipTagType: text, tag: text } } },
  },
  { type: 'object', properties: { name: text, tier: text } },
);

const natGateway = topLevel(
  {
    idleTimeoutInMinutes: { type: 'integer' },
    publicIpAddresses: subResources,
    publicIpPrefixes: subResources,
  },
  { type: 'object', properties: { name: text } },
);

const securityRule = {
  type: 'object',
  required: ['name'],
  properties: {
    name: text,
    properties: {
      type: 'object',
      properties: {
        description: text,
        protocol: text,
        sourcePortRange: text,
        destinationPortRange: text,
        sourceAddressPrefix: text,
        destinationAddressPrefix: text,
        sourcePortRanges: stringList,
        destinationPortRanges: stringList,
        sourceAddressPrefixes: stringList,
        destinationAddressPrefixes: stringList,
        sourceApplicationSecurityGroups: subResources,
        destinationApplicationSecurityGroups: subResources,
        access: text,
        priority: { type: 'integer' },
        direction: text,
      },
    },
  },
};

const networkSecurityGroup = topLevel({
  securityRules: { type: 'array', items: securityRule },
  flushConnection: flag,
});

const virtualNetworkPeering = {
  type: 'object',
  properties: {
    properties: {
      type: 'object',
      required: ['remoteVirtualNetwork'],
      properties: {
        allowVirtualNetworkAccess: flag,
        allowForwardedTraffic: flag,
        allowGatewayTransit: flag,
        useRemoteGateways: flag,
        doNotVerifyRemoteGateways: flag,
        peerCompleteVnets: flag,
        enableOnlyIPv6Peering: flag,
        remoteVirtualNetwork: subResource,
        localSubnetNames: stringList,
        remoteSubnetNames: stringList,
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true });
const validators = {
  virtualNetwork: ajv.compile(virtualNetwork),
  subnet: ajv.compile(subnet),
  networkInterface: ajv.compile(networkInterface),
  publicIPAddress: ajv.compile(publicIPAddress),
  natGateway: ajv.compile(natGateway),
  networkSecurityGroup: ajv.compile(networkSecurityGroup),
  virtualNetworkPeering: ajv.compile(virtualNetworkPeering),
};

/** The request bodies the Network emulation validates. */
export type NetworkBodyKind = keyof typeof validators;

/**
 * Validates a PUT body against its spec schema; answers the Network provider's InvalidRequestFormat with one detail
 * per violation (naming the JSON path), or undefined when the body is valid.
 */
export function validateNetworkBody(kind: NetworkBodyKind, body: unknown): Reply | undefined {
  const validate = validators[kind];
  if (validate(body)) return undefined;
  const details = (validate.errors ?? []).map((e) => ({
    code: 'InvalidJson',
    message: `Property '${(e.dataPath || '').replace(/^\./, '') || '(body)'}' ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : ''}.`,
  }));
  const reply = armError(400, 'InvalidRequestFormat', 'Cannot parse the request.');
  return {
    ...reply,
    body: { error: { code: 'InvalidRequestFormat', message: 'Cannot parse the request.', details } },
  };
}
