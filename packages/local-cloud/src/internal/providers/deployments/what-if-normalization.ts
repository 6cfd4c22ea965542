/**
 * What ARM's what-if drops from a resource's current state before comparing it with the template's prediction:
 * the members the provider's REST spec marks read-only, and the defaults ARM's noise fixes suppress. Whatever a
 * provider answers beyond these and the template does not set shows as a `Delete` property change, which is the
 * noise the public reports document (Azure/arm-template-whatif): a NAT gateway's `sku.tier` (#418), a subnet's
 * network policies left at their defaults (#184, #284), a delegation's `id` and `type` (#184), a dynamically
 * allocated `privateIPAddress` (#99 for a load balancer's frontend, #168 for a NIC), a private endpoint's
 * connection `id` (#61), the peerings and subnets of a virtual network declared as child resources (#341, #393).
 *
 * Paths are dotted, `*` standing for any array index. Every path holds for the resource type's whole body; a
 * resource type absent here keeps only the members every resource has dropped.
 */

/** Dropped from every resource: identity and bookkeeping members, and the usual read-only properties. */
const everyResource = [
  'id',
  'name',
  'type',
  'apiVersion',
  'etag',
  'properties.provisioningState',
  'properties.resourceGuid',
];

/** A child resource kept inline in its parent's array: ARM reads its bookkeeping members as read-only. */
const inline = (array: string) => [
  `${array}.*.etag`,
  `${array}.*.type`,
  `${array}.*.properties.provisioningState`,
];

/** An inline child whose `id` ARM also drops (the reports show none of these leaking). */
const inlineWithId = (array: string) => [`${array}.*.id`, ...inline(array)];

const byType: Record<string, string[]> = {
  'microsoft.network/virtualnetworks': [
    // Read-only in virtualNetwork.json; defaulted by the service and not reported as noise.
    'properties.enableDdosProtection',
    ...inlineWithId('properties.subnets'),
    'properties.subnets.*.properties.ipConfigurations',
    'properties.subnets.*.properties.privateEndpoints',
    'properties.subnets.*.properties.serviceAssociationLinks',
    // #184: of a delegation only `id` and `type` leak; its etag, actions and state do not.
    'properties.subnets.*.properties.delegations.*.etag',
    'properties.subnets.*.properties.delegations.*.properties.actions',
    'properties.subnets.*.properties.delegations.*.properties.provisioningState',
    ...inlineWithId('properties.virtualNetworkPeerings'),
  ],
  'microsoft.network/virtualnetworks/subnets': [
    'properties.ipConfigurations',
    'properties.privateEndpoints',
    'properties.serviceAssociationLinks',
    'properties.delegations.*.etag',
    'properties.delegations.*.properties.actions',
    'properties.delegations.*.properties.provisioningState',
  ],
  'microsoft.network/virtualnetworks/virtualnetworkpeerings': [
    'properties.peeringState',
    'properties.peeringSyncLevel',
    'properties.remoteAddressSpace',
    'properties.remoteVirtualNetworkAddressSpace',
    'properties.remoteBgpCommunities',
    'properties.remoteVirtualNetworkEncryption',
    'properties.allowForwardedTraffic',
    'properties.allowGatewayTransit',
    'properties.useRemoteGateways',
    'properties.doNotVerifyRemoteGateways',
  ],
  'microsoft.network/publicipaddresses': [
    'sku.tier',
    'properties.publicIPAddressVersion',
    'properties.idleTimeoutInMinutes',
    'properties.ipAddress',
    'properties.ddosSettings',
    'properties.ipConfiguration',
    'properties.natGateway',
  ],
  'microsoft.network/natgateways': ['properties.subnets'],
  'microsoft.network/loadbalancers': [
    'sku.tier',
    ...inlineWithId('properties.frontendIPConfigurations'),
    'properties.frontendIPConfigurations.*.properties.privateIPAddressVersion',
    'properties.frontendIPConfigurations.*.properties.loadBalancingRules',
    'properties.frontendIPConfigurations.*.properties.privateLinkService',
    ...inlineWithId('properties.backendAddressPools'),
    'properties.backendAddressPools.*.properties.backendIPConfigurations',
    'properties.backendAddressPools.*.properties.loadBalancingRules',
    ...inlineWithId('properties.loadBalancingRules'),
    'properties.loadBalancingRules.*.properties.loadDistribution',
    ...inlineWithId('properties.probes'),
    'properties.probes.*.properties.loadBalancingRules',
    ...inlineWithId('properties.inboundNatRules'),
    ...inlineWithId('properties.outboundRules'),
  ],
  'microsoft.network/networkinterfaces': [
    ...inlineWithId('properties.ipConfigurations'),
    'properties.ipConfigurations.*.properties.privateIPAddressVersion',
    'properties.ipConfigurations.*.properties.primary',
    'properties.macAddress',
    'properties.virtualMachine',
    'properties.privateEndpoint',
    'properties.privateLinkService',
    'properties.nicType',
    'properties.enableIPForwarding',
    'properties.enableAcceleratedNetworking',
    'properties.primary',
    'properties.hostedWorkloads',
    'properties.tapConfigurations',
    'properties.dnsSettings.appliedDnsServers',
    'properties.dnsSettings.internalDomainNameSuffix',
  ],
  'microsoft.network/networksecuritygroups': [
    ...inlineWithId('properties.securityRules'),
    'properties.defaultSecurityRules',
    'properties.networkInterfaces',
    'properties.subnets',
  ],
  'microsoft.network/privatelinkservices': [
    ...inlineWithId('properties.ipConfigurations'),
    'properties.ipConfigurations.*.properties.privateIPAddress',
    'properties.ipConfigurations.*.properties.privateIPAddressVersion',
    'properties.alias',
    'properties.networkInterfaces',
    'properties.privateEndpointConnections',
  ],
  'microsoft.network/privateendpoints': [
    ...inline('properties.privateLinkServiceConnections'),
    'properties.privateLinkServiceConnections.*.properties.privateLinkServiceConnectionState',
    ...inlineWithId('properties.manualPrivateLinkServiceConnections'),
    'properties.networkInterfaces',
  ],
  'microsoft.network/privatednszones': [
    'properties.internalId',
    'properties.maxNumberOfRecordSets',
    'properties.numberOfRecordSets',
    'properties.maxNumberOfVirtualNetworkLinks',
    'properties.numberOfVirtualNetworkLinks',
    'properties.maxNumberOfVirtualNetworkLinksWithRegistration',
    'properties.numberOfVirtualNetworkLinksWithRegistration',
  ],
  'microsoft.network/privatednszones/virtualnetworklinks': ['properties.virtualNetworkLinkState'],
  ...Object.fromEntries(
    ['a', 'aaaa', 'cname', 'mx', 'ptr', 'soa', 'srv', 'txt'].map((record) => [
      `microsoft.network/privatednszones/${record}`,
      ['properties.fqdn', 'properties.isAutoRegistered'],
    ]),
  ),
  'microsoft.compute/virtualmachinescalesets': [
    'sku.tier',
    'properties.uniqueId',
    'properties.timeCreated',
    'properties.singlePlacementGroup',
    'properties.orchestrationMode',
    'properties.overprovision',
    'properties.doNotRunExtensionsOnOverprovisionedVMs',
    'properties.platformFaultDomainCount',
    'properties.upgradePolicy.automaticOSUpgradePolicy',
    'properties.virtualMachineProfile.storageProfile.osDisk.caching',
    'properties.virtualMachineProfile.osProfile.linuxConfiguration.provisionVMAgent',
    'properties.virtualMachineProfile.osProfile.linuxConfiguration.disablePasswordAuthentication',
    'properties.virtualMachineProfile.osProfile.allowExtensionOperations',
    'properties.virtualMachineProfile.osProfile.requireGuestProvisionSignal',
  ],
  'microsoft.containerinstance/containergroups': [
    'properties.instanceView',
    'properties.containers.*.properties.instanceView',
    // The service fills the private address of a group in a subnet; no report shows it as noise.
    'properties.ipAddress',
    'properties.sku',
    'properties.restartPolicy',
    'properties.osType',
  ],
};

/** A pattern segment matches a path segment of the same name, or `*` any array index. */
function segmentMatches(pattern: string, segment: string): boolean {
  return pattern === '*' ? /^\d+$/.test(segment) : pattern.toLowerCase() === segment.toLowerCase();
}

/**
 * True when ARM's what-if drops the member at `path` (its segments, array indexes as digits) of a resource of
 * `type` from the comparison: a member under a dropped one is dropped with it.
 */
export function droppedByWhatIf(type: string, path: readonly string[]): boolean {
  const patterns = [...everyResource, ...(byType[type.toLowerCase()] ?? [])];
  return patterns.some((pattern) => {
    const segments = pattern.split('.');
    return segments.length <= path.length && segments.every((s, i) => segmentMatches(s, path[i]!));
  });
}
