import { randomUUID } from 'node:crypto';
import type { ResourceRecord } from '../arm/resource-store.js';

/** A subnet as the Network provider returns it (inline in its virtual network). */
export interface SubnetRecord {
  id: string;
  name: string;
  type: 'Microsoft.Network/virtualNetworks/subnets';
  etag: string;
  properties: {
    addressPrefix?: string;
    addressPrefixes?: string[];
    provisioningState: ProvisioningState;
    ipConfigurations?: { id: string }[];
    privateEndpointNetworkPolicies: string;
    privateLinkServiceNetworkPolicies: string;
    [other: string]: unknown;
  };
}

/** A virtual network record. */
export interface VirtualNetworkRecord extends ResourceRecord {
  etag: string;
  location: string;
  properties: {
    addressSpace: { addressPrefixes: string[] };
    subnets: SubnetRecord[];
    provisioningState: ProvisioningState;
    resourceGuid: string;
    [other: string]: unknown;
  };
}

/** An IP configuration of a network interface. */
export interface IpConfigurationRecord {
  id: string;
  name: string;
  type: 'Microsoft.Network/networkInterfaces/ipConfigurations';
  etag: string;
  properties: {
    privateIPAddress: string;
    privateIPAllocationMethod: 'Static' | 'Dynamic';
    privateIPAddressVersion: 'IPv4';
    primary: boolean;
    subnet: { id: string };
    provisioningState: ProvisioningState;
    [other: string]: unknown;
  };
}

/** A network interface record. */
export interface NetworkInterfaceRecord extends ResourceRecord {
  etag: string;
  location: string;
  properties: {
    ipConfigurations: IpConfigurationRecord[];
    provisioningState: ProvisioningState;
    resourceGuid: string;
    [other: string]: unknown;
  };
}

/** The provisioning states a Network resource passes through. */
export type ProvisioningState = 'Updating' | 'Succeeded' | 'Deleting';

/** A fresh weak etag, as the Network provider writes them. */
export function newEtag(): string {
  return `W/"${randomUUID()}"`;
}
