/** Where a private DNS call points. */
export interface ZoneAddress {
  subscriptionId: string;
  resourceGroup: string;
  zone: string;
  /** `virtualNetworkLinks`, a record type, or `ALL`/`recordsets` for lists. */
  child?: string;
  name?: string;
}

/** The id of a zone (its name lower-cased, as the service returns it). */
export function zoneId(address: Pick<ZoneAddress, 'subscriptionId' | 'resourceGroup' | 'zone'>): string {
  return `/subscriptions/${address.subscriptionId}/resourceGroups/${address.resourceGroup}/providers/Microsoft.Network/privateDnsZones/${address.zone}`;
}
