import { mermaidBlock } from '@azpn/core';
import { describeResource } from '@azpn/whatif';

/** A deployed (or to-be-deployed) resource: its id and the body ARM holds for it. */
export interface TopologyResource {
  id: string;
  body: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const shortTypes: Record<string, string> = {
  'microsoft.network/loadbalancers': 'Load balancer',
  'microsoft.compute/virtualmachinescalesets': 'VM scale set',
  'microsoft.network/privatelinkservices': 'Private Link Service',
  'microsoft.network/privateendpoints': 'Private endpoint',
  'microsoft.network/privatednszones': 'Private DNS zone',
  'microsoft.containerinstance/containergroups': 'Jump box',
  'microsoft.network/natgateways': 'NAT gateway',
  'microsoft.network/publicipaddresses': 'Public IP',
};

/** Every `{ id: "/subscriptions/…" }` reference inside a body, with the property path that holds it. */
function references(value: unknown, path = ''): { path: string; id: string }[] {
  if (Array.isArray(value)) return value.flatMap((v) => references(v, path));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Json).flatMap(([key, v]) => {
    const here = path ? `${path}.${key}` : key;
    if ((key === 'id' || key.endsWith('Id')) && typeof v === 'string' && v.startsWith('/subscriptions/'))
      return [{ path: key === 'id' ? path : here, id: v }];
    return references(v, here);
  });
}

function label(text: string): string {
  return text.replace(/["[\]{}|<>]/g, "'");
}

/** The parent resource id of a child id (`…/loadBalancers/lb/frontendIPConfigurations/fe` → `…/loadBalancers/lb`). */
function owningResource(id: string, known: Map<string, string>): string | undefined {
  let current = id.toLowerCase();
  while (current.includes('/providers/')) {
    if (known.has(current)) return current;
    const parts = current.split('/');
    if (parts.length <= 9) return undefined;
    current = parts.slice(0, -2).join('/');
  }
  return undefined;
}

/**
 * A mermaid flowchart of the topology: each VNet a subgraph of its subnets, and the resources that attach to
 * them (load balancer, scale set, Private Link Service, private endpoint, DNS zone links, jump boxes, NAT gateway)
 * joined by what their bodies reference.
 */
export function topologyDiagram(resources: readonly TopologyResource[]): string {
  const nodes = new Map<string, string>();
  const lines: string[] = ['flowchart LR'];
  const nodeId = (key: string) => {
    if (!nodes.has(key)) nodes.set(key, `n${nodes.size + 1}`);
    return nodes.get(key)!;
  };
  const vnets = resources.filter(
    (r) => describeResource(r.id).type.toLowerCase() === 'microsoft.network/virtualnetworks',
  );
  for (const vnet of vnets) {
    const { name } = describeResource(vnet.id);
    lines.push(`  subgraph ${nodeId(vnet.id.toLowerCase())}["VNet ${label(name)}"]`);
    const subnets = ((vnet.body.properties as Json | undefined)?.subnets as Json[] | undefined) ?? [];
    for (const subnet of subnets) {
      const subnetId = `${vnet.id}/subnets/${String(subnet.name)}`.toLowerCase();
      const prefix = (subnet.properties as Json | undefined)?.addressPrefix;
      lines.push(
        `    ${nodeId(subnetId)}["subnet ${label(String(subnet.name))}${prefix ? ` ${label(String(prefix))}` : ''}"]`,
      );
    }
    lines.push('  end');
  }
  const attached = resources.filter(
    (r) => shortTypes[describeResource(r.id).type.toLowerCase()] !== undefined,
  );
  for (const resource of attached) {
    const { type, name } = describeResource(resource.id);
    lines.push(`  ${nodeId(resource.id.toLowerCase())}["${shortTypes[type.toLowerCase()]} ${label(name)}"]`);
  }
  const edges = new Set<string>();
  for (const resource of [...attached, ...vnets]) {
    const from = nodeId(resource.id.toLowerCase());
    for (const reference of references(resource.body)) {
      const target = nodes.has(reference.id.toLowerCase())
        ? reference.id.toLowerCase()
        : owningResource(reference.id, nodes);
      if (target === undefined || target === resource.id.toLowerCase()) continue;
      const via =
        reference.path
          .split('.')
          .filter((p) => p !== 'properties')
          .pop() ?? 'uses';
      edges.add(`  ${from} -->|${label(via)}| ${nodeId(target)}`);
    }
  }
  // DNS zone links are child resources of the zone: draw them from the zone to the linked VNet.
  for (const link of resources.filter((r) => /\/privatednszones\/[^/]+\/virtualnetworklinks\//i.test(r.id))) {
    const zone = link.id.replace(/\/virtualnetworklinks\/[^/]+$/i, '').toLowerCase();
    const vnetId = ((link.body.properties as Json | undefined)?.virtualNetwork as Json | undefined)?.id;
    if (nodes.has(zone) && typeof vnetId === 'string' && nodes.has(vnetId.toLowerCase())) {
      edges.add(`  ${nodeId(zone)} -.->|linked| ${nodeId(vnetId.toLowerCase())}`);
    }
  }
  return mermaidBlock([...lines, ...edges].join('\n'));
}
