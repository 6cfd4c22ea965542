/** One security rule of a network security group, as Microsoft.Network 2024-05-01 returns it. */
export interface SecurityRule {
  /** The rule's name (ARM keeps it beside the properties); Azure's default rules have theirs. */
  name?: string;
  priority: number;
  direction: 'Inbound' | 'Outbound';
  access: 'Allow' | 'Deny';
  protocol: string;
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
}

/** What the service tags stand for inside one VNet router. */
export interface TagScope {
  /** The VNet's space, its peers' and the connected on-prem prefixes. */
  virtualNetwork: string[];
}

/** Azure's default rules, evaluated after the group's own (priorities 65000-65500). */
const defaults: SecurityRule[] = [
  {
    name: 'AllowVnetInBound',
    priority: 65000,
    direction: 'Inbound',
    access: 'Allow',
    protocol: '*',
    sourceAddressPrefix: 'VirtualNetwork',
    destinationAddressPrefix: 'VirtualNetwork',
    destinationPortRange: '*',
  },
  {
    name: 'AllowAzureLoadBalancerInBound',
    priority: 65001,
    direction: 'Inbound',
    access: 'Allow',
    protocol: '*',
    sourceAddressPrefix: 'AzureLoadBalancer',
    destinationAddressPrefix: '*',
    destinationPortRange: '*',
  },
  {
    name: 'DenyAllInBound',
    priority: 65500,
    direction: 'Inbound',
    access: 'Deny',
    protocol: '*',
    sourceAddressPrefix: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '*',
  },
  {
    name: 'AllowVnetOutBound',
    priority: 65000,
    direction: 'Outbound',
    access: 'Allow',
    protocol: '*',
    sourceAddressPrefix: 'VirtualNetwork',
    destinationAddressPrefix: 'VirtualNetwork',
    destinationPortRange: '*',
  },
  {
    name: 'AllowInternetOutBound',
    priority: 65001,
    direction: 'Outbound',
    access: 'Allow',
    protocol: '*',
    sourceAddressPrefix: '*',
    destinationAddressPrefix: 'Internet',
    destinationPortRange: '*',
  },
  {
    name: 'DenyAllOutBound',
    priority: 65500,
    direction: 'Outbound',
    access: 'Deny',
    protocol: '*',
    sourceAddressPrefix: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '*',
  },
];

/** An IPv4 address or prefix, the only addresses the fabric has. */
const ipv4Prefix = /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/;

/**
 * An nft address match for one side, undefined for "any", or null when none of the prefixes has an address in the
 * fabric (a service tag such as `Storage` or `AzureCloud`, an IPv6 prefix): such a rule matches no local flow.
 */
function addressMatch(
  side: 'saddr' | 'daddr',
  prefixes: string[],
  scope: TagScope,
): string | undefined | null {
  if (prefixes.includes('*') || prefixes.includes('Any') || prefixes.length === 0) return undefined;
  const set = new Set<string>();
  let negated = false;
  for (const prefix of prefixes) {
    if (prefix === 'VirtualNetwork') scope.virtualNetwork.forEach((p) => set.add(p));
    else if (prefix === 'AzureLoadBalancer') set.add('168.63.129.16');
    else if (prefix === 'Internet') negated = true;
    else if (ipv4Prefix.test(prefix)) set.add(prefix);
  }
  // 'Internet' is everything outside the VNet's reach; mixing it with other prefixes is not modelled.
  if (negated) return `ip ${side} != { ${scope.virtualNetwork.join(', ')} }`;
  if (set.size === 0) return null;
  return `ip ${side} { ${[...set].join(', ')} }`;
}

function portMatch(rule: SecurityRule): string | undefined {
  const ranges = [
    ...(rule.destinationPortRanges ?? []),
    ...(rule.destinationPortRange ? [rule.destinationPortRange] : []),
  ];
  if (ranges.length === 0 || ranges.includes('*')) return undefined;
  return `th dport { ${ranges.join(', ')} }`;
}

function protocolMatch(protocol: string): string | undefined {
  switch (protocol.toLowerCase()) {
    case 'tcp':
      return 'meta l4proto tcp';
    case 'udp':
      return 'meta l4proto udp';
    case 'icmp':
      return 'meta l4proto icmp';
    default:
      return undefined;
  }
}

/**
 * The body of one direction's chain for a subnet's group: rules by priority, first match wins; an allow
 * `return`s to the base chain (so the other side's group is still asked), a deny drops the new flow. With
 * `label`, each rule also counts what it matched, under the label it gives the rule (an nft comment).
 */
export function securityChain(
  rules: SecurityRule[],
  direction: 'Inbound' | 'Outbound',
  scope: TagScope,
  label?: (rule: SecurityRule) => string,
): string[] {
  const ordered = [...rules, ...defaults]
    .filter((r) => r.direction === direction)
    .sort((a, b) => a.priority - b.priority);
  return ordered.flatMap((rule) => {
    const source = [
      ...(rule.sourceAddressPrefixes ?? []),
      ...(rule.sourceAddressPrefix ? [rule.sourceAddressPrefix] : []),
    ];
    const destination = [
      ...(rule.destinationAddressPrefixes ?? []),
      ...(rule.destinationAddressPrefix ? [rule.destinationAddressPrefix] : []),
    ];
    const protocol = protocolMatch(rule.protocol);
    const ports = portMatch(rule);
    const sourceMatch = addressMatch('saddr', source, scope);
    const destinationMatch = addressMatch('daddr', destination, scope);
    if (sourceMatch === null || destinationMatch === null) return [];
    const matches = [
      sourceMatch,
      destinationMatch,
      // Ports need a transport protocol; with '*' the rule covers TCP and UDP ports.
      ports !== undefined && protocol === undefined ? 'meta l4proto { tcp, udp }' : protocol,
      ports,
    ].filter((m): m is string => m !== undefined);
    const verdict = rule.access === 'Allow' ? 'return' : 'drop';
    if (label !== undefined)
      return [`${matches.join(' ')} counter ${verdict} comment "${label(rule).replaceAll('"', '')}"`.trim()];
    return [`${matches.join(' ')} ${verdict}`.trim()];
  });
}
