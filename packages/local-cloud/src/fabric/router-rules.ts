import type { BalancingRule, VnetSpec } from './desired-state.js';
import { securityChain, type TagScope } from './security-rules.js';
import { metadataAddress } from './instance-metadata.js';
import { platformAddress } from './namespace-plumbing.js';

/** The interface name of a router's link to the internet namespace. */
export const internetLink = 'inet';

/**
 * The nftables table of one VNet router: the internal load balancers' DNAT of new TCP and UDP flows to the healthy
 * backends by a 5-tuple hash (no healthy backend: new flows are dropped, as a Standard LB does), and the NAT
 * gateways' SNAT to their public address; subnets without a NAT gateway get no outbound to the internet.
 */
export function routerRules(
  vnet: VnetSpec,
  rules: BalancingRule[],
  backendAddress: (id: string) => string | undefined,
  healthy: (rule: BalancingRule, backendId: string) => boolean,
  scope: TagScope,
): string {
  const dnat: string[] = [];
  for (const rule of rules) {
    const targets = rule.backends
      .filter((id) => healthy(rule, id))
      .map(backendAddress)
      .filter((ip): ip is string => ip !== undefined);
    for (const protocol of rule.protocol === 'All' ? ['tcp', 'udp'] : [rule.protocol.toLowerCase()]) {
      const match = `ip daddr ${rule.frontendIp} ${protocol} dport ${rule.frontendPort}`;
      if (targets.length === 0) {
        dnat.push(`${match} drop`);
        continue;
      }
      const map = targets.map((ip, index) => `${index} : ${ip} . ${rule.backendPort}`).join(', ');
      dnat.push(
        `${match} dnat ip to jhash ip saddr . ${protocol} sport . ip daddr . ${protocol} dport mod ${targets.length} map { ${map} }`,
      );
    }
  }
  const natSubnets = vnet.subnets.filter((s) => s.natPublicIp !== undefined);
  const snat = natSubnets.map(
    (s) => `oifname "${internetLink}" ip saddr ${s.prefix} snat to ${s.natPublicIp}`,
  );
  const outbound = [
    ...natSubnets.map((s) => `oifname "${internetLink}" ip saddr ${s.prefix} accept`),
    `oifname "${internetLink}" drop`,
  ];
  // Network security groups judge new flows only; replies pass as established (the groups are stateful). Outbound
  // rules judge a flow as it leaves its NIC, before any routing or load balancer translation, so a deny counts
  // even where no route leads; inbound rules judge it at the destination NIC, after the load balancer's DNAT.
  // Azure's platform addresses (DNS, the metadata service) are not subject to them.
  const guarded = vnet.subnets.flatMap((s, i) => (s.securityRules === undefined ? [] : [{ subnet: s, i }]));
  const egress = guarded.map(({ subnet, i }) => `ip saddr ${subnet.prefix} ct state new jump nsg_out_${i}`);
  const jumps = guarded.map(({ subnet, i }) => `ip daddr ${subnet.prefix} ct state new jump nsg_in_${i}`);
  const chains = guarded.flatMap(({ subnet, i }) =>
    (['Outbound', 'Inbound'] as const).flatMap((direction) => [
      `  chain nsg_${direction === 'Inbound' ? 'in' : 'out'}_${i} {`,
      ...securityChain(
        subnet.securityRules!,
        direction,
        scope,
        (rule) => `${subnet.securityGroupName ?? 'nsg'}/${rule.name ?? rule.priority}`,
      ).map((line) => `    ${line}`),
      '  }',
    ]),
  );
  return [
    'table ip azlc {',
    ...chains,
    '  chain egress {',
    '    type filter hook prerouting priority -150; policy accept;',
    `    ip daddr { ${platformAddress}, ${metadataAddress} } accept`,
    '    ct state established,related accept',
    ...egress.map((line) => `    ${line}`),
    '  }',
    '  chain pre {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    ...dnat.map((line) => `    ${line}`),
    '  }',
    '  chain post {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    ...snat.map((line) => `    ${line}`),
    '  }',
    '  chain transit {',
    '    type filter hook forward priority filter; policy accept;',
    '    ct state established,related accept',
    ...jumps.map((line) => `    ${line}`),
    ...outbound.map((line) => `    ${line}`),
    '  }',
    '}',
  ].join('\n');
}

/** Packets each labelled rule (a security rule, by its `<group>/<rule>` comment) matched, from `nft -j list table`. */
export function labelledRuleHits(listing: string): Record<string, number> {
  const hits: Record<string, number> = {};
  const items = (JSON.parse(listing) as { nftables?: { rule?: { comment?: string; expr?: unknown[] } }[] })
    .nftables;
  for (const item of items ?? []) {
    const rule = item.rule;
    if (rule?.comment === undefined) continue;
    const counter = (rule.expr ?? []).find((e): e is { counter: { packets: number } } =>
      Boolean((e as { counter?: unknown }).counter),
    );
    if (counter !== undefined) hits[rule.comment] = (hits[rule.comment] ?? 0) + counter.counter.packets;
  }
  return hits;
}
