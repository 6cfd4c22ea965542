import type { NoiseRule } from './noise-rules.js';

const whatIfIssue = (n: number) => `Azure/arm-template-whatif#${n}`;
const removed = ['Delete'] as const;

/**
 * What-if noise that real ARM shows for the resources this suite deploys, each case from a public report: what
 * the service answers and the template does not set, which what-if shows removed although no deployment removes
 * it. Each rule is as narrow as its report: the kind of change, and where the report shows a default, that value
 * only, so a real change of the same property is still drift.
 */
export const builtInNoiseRules: readonly NoiseRule[] = [
  {
    type: 'Microsoft.Network/natGateways',
    path: 'sku.tier',
    kinds: removed,
    before: ['Regional'],
    source: whatIfIssue(418),
    reason: "The service answers the sku's tier, which a template does not set.",
  },
  {
    type: 'Microsoft.Network/natGateways',
    path: 'properties.scope',
    kinds: removed,
    before: ['Public'],
    source: whatIfIssue(418),
    reason: 'The service answers the gateway scope, which a template does not set.',
  },
  ...subnetNoise('Microsoft.Network/virtualNetworks', 'properties.subnets.*.'),
  ...subnetNoise('Microsoft.Network/virtualNetworks/subnets', ''),
  {
    type: 'Microsoft.Network/virtualNetworks',
    path: 'properties.subnets',
    exact: true,
    kinds: removed,
    source: whatIfIssue(393),
    reason:
      'Subnets declared as their own resources are kept by a deployment of a virtual network that does not list them.',
  },
  {
    type: 'Microsoft.Network/virtualNetworks',
    path: 'properties.virtualNetworkPeerings',
    exact: true,
    kinds: removed,
    source: whatIfIssue(341),
    reason:
      'Peerings declared as their own resources are kept by a deployment of a virtual network that does not list them.',
  },
  {
    type: 'Microsoft.Network/loadBalancers',
    path: 'properties.frontendIPConfigurations.*.properties.privateIPAddress',
    kinds: removed,
    source: whatIfIssue(99),
    reason: 'A dynamically allocated frontend address is chosen by the service, not the template.',
  },
  {
    type: 'Microsoft.Network/networkInterfaces',
    path: 'properties.ipConfigurations.*.properties.privateIPAddress',
    kinds: removed,
    source: whatIfIssue(168),
    reason: 'A dynamically allocated NIC address is chosen by the service, not the template.',
  },
  {
    type: 'Microsoft.Network/networkInterfaces',
    path: 'kind',
    kinds: removed,
    source: whatIfIssue(369),
    reason: 'The service answers the NIC kind, which a template does not set.',
  },
  {
    type: 'Microsoft.Network/networkInterfaces',
    path: 'properties.allowPort25Out',
    kinds: removed,
    source: whatIfIssue(369),
    reason: 'The service answers whether port 25 is open outbound, which a template cannot set.',
  },
  ...(
    [
      ['properties.auxiliaryMode', 'None'],
      ['properties.auxiliarySku', 'None'],
      ['properties.disableTcpStateTracking', false],
      ['properties.ipConfigurations.*.properties.privateIPAddressVersion', 'IPv4'],
    ] as const
  ).map(([path, fallback]): NoiseRule => ({
    type: 'Microsoft.Network/networkInterfaces',
    path,
    kinds: removed,
    before: [fallback],
    source: whatIfIssue(356),
    reason: 'The service answers this default of a network interface, which a template does not set.',
  })),
  {
    type: 'Microsoft.Network/privateEndpoints',
    path: 'properties.privateLinkServiceConnections.*.id',
    exact: true,
    kinds: removed,
    source: whatIfIssue(61),
    reason: 'The service answers the id of a connection the template declares by name.',
  },
  {
    type: 'Microsoft.Network/privateEndpoints',
    path: 'properties.customDnsConfigs',
    kinds: removed,
    source: whatIfIssue(61),
    reason: 'The service fills the DNS configuration of the endpoint from its network interface.',
  },
  ...['etag', 'id', 'type', 'properties.provisioningState'].map((member): NoiseRule => ({
    type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    path: `properties.privateDnsZoneConfigs.*.${member}`,
    exact: true,
    kinds: removed,
    source: whatIfIssue(363),
    reason: "The service answers a zone configuration's read-only members, which a template cannot set.",
  })),
];

/** A subnet's noise, inline in its virtual network (`prefix` `properties.subnets.*.`) or as its own resource. */
function subnetNoise(type: string, prefix: string): NoiseRule[] {
  const policies: [string, string][] = [
    ['privateEndpointNetworkPolicies', 'Disabled'],
    ['privateLinkServiceNetworkPolicies', 'Enabled'],
  ];
  return [
    ...policies.map(([name, fallback]): NoiseRule => ({
      type,
      path: `${prefix}properties.${name}`,
      kinds: removed,
      before: [fallback],
      source: whatIfIssue(184),
      reason: `A subnet's ${name} left to the service is answered at its default, ${fallback}.`,
    })),
    ...['id', 'type'].map((member): NoiseRule => ({
      type,
      path: `${prefix}properties.delegations.*.${member}`,
      exact: true,
      kinds: removed,
      source: whatIfIssue(184),
      reason: `The service answers a delegation's ${member}, which the template declares by name.`,
    })),
  ];
}
