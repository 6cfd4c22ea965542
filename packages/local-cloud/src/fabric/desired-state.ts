import type { ResourceRecord, ResourceStore } from '../internal/arm/resource-store.js';
import type { FabricNames } from './fabric-names.js';
import type { SecurityRule } from './security-rules.js';
import { ipv4Number, ipv4Text, parsePrefix, prefixAddress, prefixContains } from './ipv4.js';

/** A subnet as the fabric routes it: its prefix, Azure's gateway (.1) and the NAT gateway's public address. */
export interface SubnetSpec {
  id: string;
  prefix: string;
  gateway: string;
  natPublicIp?: string;
  /** The rules of the subnet's network security group, when it has one, and the group's name. */
  securityRules?: SecurityRule[];
  securityGroupName?: string;
}

/** A virtual network: one router namespace, and the A records of the private DNS zones linked to it. */
export interface VnetSpec {
  id: string;
  namespace: string;
  addressSpace: string[];
  subnets: SubnetSpec[];
  dnsRecords: { name: string; ip: string }[];
  /** Names of the private zones linked to the VNet: they shadow public names below them. */
  linkedZones: string[];
  /** The VNet's DNS servers (`dhcpOptions.dnsServers`); empty for Azure DNS. */
  dnsServers: string[];
}

/** A VM scale set instance or a container group: one namespace with one address in a subnet. */
export interface EndpointSpec {
  id: string;
  kind: 'vm' | 'aci';
  namespace: string;
  vnetId: string;
  subnet: SubnetSpec;
  ip: string;
  hostname: string;
  /** For instances: the customData the scale set received, and the pools its NIC joins. */
  customData?: string;
  pools: string[];
  /** The resolvers it uses: a container group's dnsConfig, else its VNet's DNS servers, else Azure DNS. */
  nameservers: string[];
  /** For instances: the scale set model's userData (base64), its name and region, for the metadata service. */
  userData?: string;
  scaleSetName?: string;
  location?: string;
}

/** A private endpoint joined to its Private Link Service: its address in the spoke, the NAT address in the hub. */
export interface PrivateLinkSpec {
  id: string;
  namespace: string;
  endpoint: { vnetId: string; subnet: SubnetSpec; ip: string };
  service: { vnetId: string; subnet: SubnetSpec; ip: string };
  frontendIp: string;
}

/** A load balancing rule with its health probe. */
export interface BalancingRule {
  /** Tcp, Udp, or All (both). */
  protocol: 'Tcp' | 'Udp' | 'All';
  frontendIp: string;
  frontendPort: number;
  backendPort: number;
  backends: string[];
  probe?: { port: number; intervalMs: number; threshold: number };
}

/** What the store describes, in the shapes the fabric realises. */
export interface DesiredFabric {
  vnets: VnetSpec[];
  endpoints: EndpointSpec[];
  privateLinks: PrivateLinkSpec[];
  /** Rules per VNet id (the VNet of the frontend). */
  balancing: Map<string, BalancingRule[]>;
  /** Peered VNet pairs (ids, sorted), realised when both sides declare the peering. */
  peerings: [string, string][];
}

const lower = (id: unknown) => (typeof id === 'string' ? id.toLowerCase() : '');
const refId = (value: unknown) => lower((value as { id?: unknown } | undefined)?.id);
const props = (value: unknown) =>
  ((value as { properties?: Record<string, unknown> })?.properties ?? {}) as Record<string, unknown>;
const list = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : []);

function ofType(store: ResourceStore, type: string): ResourceRecord[] {
  return [...store.resources.values()].filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

/** Instance addresses the fabric chose, kept for the instance's life so its address never moves. */
export class InstanceAddresses {
  private readonly chosen = new Map<string, string>();

  /** The instance's address: the highest free one of the subnet, so the control plane's upward allocation stays clear. */
  addressOf(instanceId: string, subnet: SubnetSpec, used: Set<string>): string | undefined {
    const known = this.chosen.get(instanceId);
    if (known !== undefined) return known;
    const prefix = parsePrefix(subnet.prefix);
    const taken = new Set([...used, ...this.chosen.values()]);
    for (let offset = prefix.size - 2; offset >= 4; offset--) {
      const candidate = prefixAddress(prefix, offset);
      if (!taken.has(candidate)) {
        this.chosen.set(instanceId, candidate);
        return candidate;
      }
    }
    return undefined;
  }

  /** Forgets the instances that no longer exist. */
  keepOnly(ids: Set<string>): void {
    for (const id of this.chosen.keys()) if (!ids.has(id)) this.chosen.delete(id);
  }
}

function publicIpOf(store: ResourceStore, natGatewayId: string): string | undefined {
  const gateway = store.resources.get(natGatewayId);
  if (gateway === undefined) return undefined;
  const pipId = refId(list(props(gateway).publicIpAddresses)[0]);
  const pip = store.resources.get(pipId);
  if (pip === undefined) return undefined;
  const declared = props(pip).ipAddress;
  if (typeof declared === 'string') return declared;
  // No address allocated by the control plane: a stable one from TEST-NET-1, derived from the id.
  let hash = 0;
  for (const char of pipId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return ipv4Text(ipv4Number('192.0.2.0') + 10 + (hash % 240));
}

function readVnets(
  store: ResourceStore,
  names: FabricNames,
): { vnets: VnetSpec[]; subnets: Map<string, [string, SubnetSpec]> } {
  const subnets = new Map<string, [string, SubnetSpec]>();
  const vnets = ofType(store, 'Microsoft.Network/virtualNetworks').map((vnet): VnetSpec => {
    const id = lower(vnet.id);
    const childRecords = ofType(store, 'Microsoft.Network/virtualNetworks/subnets').filter((s) =>
      lower(s.id).startsWith(`${id}/`),
    );
    const declared = new Map<string, unknown>();
    for (const subnet of [...list(vnet.properties.subnets), ...childRecords])
      declared.set(refId(subnet), subnet);
    const specs: SubnetSpec[] = [];
    for (const [subnetId, subnet] of declared) {
      const p = props(subnet);
      const prefix = (p.addressPrefix ?? list(p.addressPrefixes)[0]) as string | undefined;
      if (typeof prefix !== 'string') continue;
      const parsed = parsePrefix(prefix);
      const spec: SubnetSpec = { id: subnetId, prefix: parsed.text, gateway: prefixAddress(parsed, 1) };
      const natId = refId(p.natGateway);
      if (natId !== '') spec.natPublicIp = publicIpOf(store, natId);
      const nsg = store.resources.get(refId(p.networkSecurityGroup));
      if (nsg !== undefined) spec.securityGroupName = nsg.name;
      if (nsg !== undefined)
        spec.securityRules = list(nsg.properties.securityRules).map(
          (rule) => ({ ...props(rule), name: (rule as { name?: unknown }).name }) as unknown as SecurityRule,
        );
      specs.push(spec);
      subnets.set(subnetId, [id, spec]);
    }
    const space = list(
      (vnet.properties.addressSpace as { addressPrefixes?: unknown })?.addressPrefixes,
    ) as string[];
    const dnsServers = list((vnet.properties.dhcpOptions as { dnsServers?: unknown })?.dnsServers).filter(
      (server): server is string => typeof server === 'string',
    );
    return {
      id,
      namespace: names.namespace('vnet', vnet.name, id),
      addressSpace: space,
      subnets: specs,
      dnsRecords: [],
      linkedZones: [],
      dnsServers,
    };
  });
  return { vnets, subnets };
}

/** Every private address the control plane handed out, so instance addresses avoid them. */
function usedAddresses(store: ResourceStore): Set<string> {
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) {
        if ((key === 'privateIPAddress' || key === 'ip') && typeof inner === 'string') used.add(inner);
        else visit(inner);
      }
  };
  for (const record of store.resources.values()) visit(record.properties);
  return used;
}

/**
 * The instances of a scale set: the control plane's VM records (`…/virtualMachines/<instanceId>`, with the
 * address of their NIC under `…/virtualMachines/<instanceId>/networkInterfaces/…`) when it stores them;
 * otherwise instances 0 to capacity-1, whose addresses the fabric chooses.
 */
function scaleSetInstances(
  store: ResourceStore,
  scaleSet: ResourceRecord,
  capacity: number,
): { id: string; instanceId: string; computerName?: string; ip?: string }[] {
  const prefix = `${lower(scaleSet.id)}/virtualmachines/`;
  const records = [...store.resources.entries()].filter(
    ([key, r]) =>
      key.startsWith(prefix) &&
      r.type.toLowerCase() === 'microsoft.compute/virtualmachinescalesets/virtualmachines',
  );
  if (records.length === 0)
    return Array.from({ length: capacity }, (_, n) => ({ id: `${prefix}${n}`, instanceId: String(n) }));
  return records.map(([key, record]) => {
    const nic = [...store.resources.entries()].find(([nicKey]) =>
      nicKey.startsWith(`${key}/networkinterfaces/`),
    )?.[1];
    const address = props(list(nic?.properties.ipConfigurations)[0]).privateIPAddress;
    const computerName = (record.properties.osProfile as { computerName?: unknown } | undefined)
      ?.computerName;
    return {
      id: key,
      instanceId: String(record.instanceId ?? key.slice(prefix.length)),
      computerName: typeof computerName === 'string' ? computerName : undefined,
      ip: typeof address === 'string' ? address : undefined,
    };
  });
}

/** Azure DNS, which a VNet without DNS servers of its own uses. */
const azureDns = '168.63.129.16';

function resolversOf(vnets: VnetSpec[], vnetId: string, own: string[] = []): string[] {
  if (own.length > 0) return own;
  const declared = vnets.find((v) => v.id === vnetId)?.dnsServers ?? [];
  return declared.length > 0 ? declared : [azureDns];
}

function readScaleSets(
  store: ResourceStore,
  names: FabricNames,
  subnets: Map<string, [string, SubnetSpec]>,
  addresses: InstanceAddresses,
  vnets: VnetSpec[],
): EndpointSpec[] {
  const used = usedAddresses(store);
  const endpoints: EndpointSpec[] = [];
  for (const scaleSet of ofType(store, 'Microsoft.Compute/virtualMachineScaleSets')) {
    const capacity = Number((scaleSet.sku as { capacity?: unknown } | undefined)?.capacity ?? 0);
    const profile = props({ properties: scaleSet.properties.virtualMachineProfile });
    const os = (profile.osProfile ?? {}) as { computerNamePrefix?: string; customData?: string };
    const userData = typeof profile.userData === 'string' ? profile.userData : undefined;
    const nic = list(
      (profile.networkProfile as { networkInterfaceConfigurations?: unknown })
        ?.networkInterfaceConfigurations,
    )[0];
    const ipConfig = list(props(nic).ipConfigurations)[0];
    const located = subnets.get(refId(props(ipConfig).subnet));
    if (located === undefined) continue;
    const pools = list(props(ipConfig).loadBalancerBackendAddressPools).map(refId);
    for (const vm of scaleSetInstances(store, scaleSet, capacity)) {
      const ip = vm.ip ?? addresses.addressOf(vm.id, located[1], used);
      if (ip === undefined) continue;
      const hostname =
        vm.computerName ??
        `${os.computerNamePrefix ?? scaleSet.name}${Number(vm.instanceId).toString(36).padStart(6, '0')}`;
      endpoints.push({
        id: vm.id,
        kind: 'vm',
        namespace: names.namespace('vm', hostname, vm.id),
        vnetId: located[0],
        subnet: located[1],
        ip,
        hostname,
        customData: os.customData,
        pools,
        nameservers: resolversOf(vnets, located[0]),
        userData,
        scaleSetName: scaleSet.name,
        location: scaleSet.location,
      });
    }
  }
  return endpoints;
}

function readContainerGroups(
  store: ResourceStore,
  names: FabricNames,
  subnets: Map<string, [string, SubnetSpec]>,
  vnets: VnetSpec[],
): EndpointSpec[] {
  const endpoints: EndpointSpec[] = [];
  for (const group of ofType(store, 'Microsoft.ContainerInstance/containerGroups')) {
    const located = subnets.get(refId(list(group.properties.subnetIds)[0]));
    const ip = (group.properties.ipAddress as { ip?: unknown } | undefined)?.ip;
    const state = (group.properties.instanceView as { state?: unknown } | undefined)?.state;
    if (located === undefined || typeof ip !== 'string' || state === 'Stopped') continue;
    const id = lower(group.id);
    const own = list(
      (group.properties.dnsConfig as { nameServers?: unknown } | undefined)?.nameServers,
    ).filter((server): server is string => typeof server === 'string');
    endpoints.push({
      id,
      kind: 'aci',
      namespace: names.namespace('aci', group.name, id),
      vnetId: located[0],
      subnet: located[1],
      ip,
      hostname: group.name,
      pools: [],
      nameservers: resolversOf(vnets, located[0], own),
    });
  }
  return endpoints;
}

/** The address of a load balancer frontend configuration, from its parent balancer's record. */
function frontendAddress(store: ResourceStore, frontendId: string): string | undefined {
  const address = props(frontendOf(store, frontendId)).privateIPAddress;
  return typeof address === 'string' ? address : undefined;
}

function frontendOf(store: ResourceStore, frontendId: string): unknown {
  const balancer = store.resources.get(frontendId.split('/frontendipconfigurations/')[0]!);
  return list(balancer?.properties.frontendIPConfigurations).find((f) => refId(f) === frontendId);
}

function readPrivateLinks(
  store: ResourceStore,
  names: FabricNames,
  subnets: Map<string, [string, SubnetSpec]>,
): PrivateLinkSpec[] {
  const links: PrivateLinkSpec[] = [];
  for (const endpoint of ofType(store, 'Microsoft.Network/privateEndpoints')) {
    const connections = [
      ...list(endpoint.properties.privateLinkServiceConnections),
      ...list(endpoint.properties.manualPrivateLinkServiceConnections),
    ];
    const approved = connections.find(
      (c) =>
        (props(c).privateLinkServiceConnectionState as { status?: string } | undefined)?.status ===
        'Approved',
    );
    const service = store.resources.get(lower(props(approved).privateLinkServiceId));
    const nic = store.resources.get(refId(list(endpoint.properties.networkInterfaces)[0]));
    const nicConfig = props(list(nic?.properties.ipConfigurations)[0]);
    const natConfig = props(list(service?.properties.ipConfigurations)[0]);
    const endpointSubnet = subnets.get(refId(nicConfig.subnet));
    const serviceSubnet = subnets.get(refId(natConfig.subnet));
    const frontendIp = frontendAddress(
      store,
      refId(list(service?.properties.loadBalancerFrontendIpConfigurations)[0]),
    );
    if (
      endpointSubnet === undefined ||
      serviceSubnet === undefined ||
      frontendIp === undefined ||
      typeof nicConfig.privateIPAddress !== 'string' ||
      typeof natConfig.privateIPAddress !== 'string'
    )
      continue;
    const id = lower(endpoint.id);
    links.push({
      id,
      namespace: names.namespace('pe', endpoint.name, id),
      endpoint: { vnetId: endpointSubnet[0], subnet: endpointSubnet[1], ip: nicConfig.privateIPAddress },
      service: { vnetId: serviceSubnet[0], subnet: serviceSubnet[1], ip: natConfig.privateIPAddress },
      frontendIp,
    });
  }
  return links;
}

function readBalancing(
  store: ResourceStore,
  vnets: VnetSpec[],
  subnets: Map<string, [string, SubnetSpec]>,
  endpoints: EndpointSpec[],
): Map<string, BalancingRule[]> {
  const byVnet = new Map<string, BalancingRule[]>();
  for (const balancer of ofType(store, 'Microsoft.Network/loadBalancers')) {
    const probes = new Map(list(balancer.properties.probes).map((p) => [refId(p), props(p)]));
    for (const rule of list(balancer.properties.loadBalancingRules)) {
      const p = props(rule);
      const frontendIp = frontendAddress(store, refId(p.frontendIPConfiguration));
      // The frontend's subnet names its VNet; VNets that are not peered may share the address range.
      const subnetVnet = subnets.get(
        refId(props(frontendOf(store, refId(p.frontendIPConfiguration))).subnet),
      )?.[0];
      const vnet =
        vnets.find((v) => v.id === subnetVnet) ??
        vnets.find((v) =>
          v.subnets.some(
            (s) => frontendIp !== undefined && prefixContains(parsePrefix(s.prefix), frontendIp),
          ),
        );
      if (frontendIp === undefined || vnet === undefined) continue;
      const pool = refId(p.backendAddressPool);
      const probe = probes.get(refId(p.probe));
      const rules = byVnet.get(vnet.id) ?? [];
      const protocol = String(p.protocol ?? 'Tcp').toLowerCase();
      rules.push({
        protocol: protocol === 'udp' ? 'Udp' : protocol === 'all' ? 'All' : 'Tcp',
        frontendIp,
        frontendPort: Number(p.frontendPort),
        backendPort: Number(p.backendPort ?? p.frontendPort),
        backends: endpoints.filter((e) => e.pools.includes(pool)).map((e) => e.id),
        probe:
          probe === undefined
            ? undefined
            : {
                port: Number(probe.port),
                intervalMs: Number(probe.intervalInSeconds ?? 5) * 1000,
                threshold: Number(probe.probeThreshold ?? probe.numberOfProbes ?? 1),
              },
      });
      byVnet.set(vnet.id, rules);
    }
  }
  return byVnet;
}

function readDns(store: ResourceStore, vnets: VnetSpec[]): void {
  for (const link of ofType(store, 'Microsoft.Network/privateDnsZones/virtualNetworkLinks')) {
    const vnet = vnets.find((v) => v.id === refId(link.properties.virtualNetwork));
    if (vnet === undefined) continue;
    const zoneId = lower(link.id).split('/virtualnetworklinks/')[0]!;
    const zoneName = store.resources.get(zoneId)?.name;
    if (zoneName === undefined) continue;
    vnet.linkedZones.push(zoneName.toLowerCase());
    for (const record of ofType(store, 'Microsoft.Network/privateDnsZones/A')) {
      if (!lower(record.id).startsWith(`${zoneId}/a/`)) continue;
      const fqdn = record.name === '@' ? zoneName : `${record.name}.${zoneName}`;
      for (const a of list(record.properties.aRecords)) {
        const ip = (a as { ipv4Address?: unknown }).ipv4Address;
        if (typeof ip === 'string') vnet.dnsRecords.push({ name: fqdn.toLowerCase(), ip });
      }
    }
  }
}

function readPeerings(store: ResourceStore, vnets: VnetSpec[]): [string, string][] {
  const declared = new Set<string>();
  for (const vnet of ofType(store, 'Microsoft.Network/virtualNetworks')) {
    const children = ofType(store, 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings').filter((p) =>
      lower(p.id).startsWith(`${lower(vnet.id)}/`),
    );
    for (const peering of [...list(vnet.properties.virtualNetworkPeerings), ...children])
      declared.add(`${lower(vnet.id)} ${refId(props(peering).remoteVirtualNetwork)}`);
  }
  const pairs: [string, string][] = [];
  for (const entry of declared) {
    const [a, b] = entry.split(' ') as [string, string];
    if (a < b && declared.has(`${b} ${a}`) && vnets.some((v) => v.id === a) && vnets.some((v) => v.id === b))
      pairs.push([a, b]);
  }
  return pairs;
}

/** Reads the store into the fabric's shapes; resources whose references do not resolve yet are left out. */
export function readDesiredFabric(
  store: ResourceStore,
  names: FabricNames,
  addresses: InstanceAddresses,
): DesiredFabric {
  const { vnets, subnets } = readVnets(store, names);
  const instances = readScaleSets(store, names, subnets, addresses, vnets);
  addresses.keepOnly(new Set(instances.map((i) => i.id)));
  const endpoints = [...instances, ...readContainerGroups(store, names, subnets, vnets)];
  readDns(store, vnets);
  return {
    vnets,
    endpoints,
    privateLinks: readPrivateLinks(store, names, subnets),
    balancing: readBalancing(store, vnets, subnets, endpoints),
    peerings: readPeerings(store, vnets),
  };
}
