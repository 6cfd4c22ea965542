import { quoteValue, UserFacingError } from '@azpn/core';
import { parseResourceGroupResourceId, type OpenAzure } from '@azpn/azure';
import type { ResourceReference } from './config.js';
import { resourcesClient } from '@azpn/azure/clients/resources';

/**
 * The Microsoft.Network API version the endpoint and its NICs are read with, the one `@azure/arm-network` 36
 * sends. They are read as generic resources: that package's client builds every network operation group, about
 * 1.2 MB of bundle for two reads, and its parse alone would double the step's start.
 */
const networkApiVersion = '2025-05-01';

/** The parts of a private endpoint's ARM representation read here. */
interface PrivateEndpointBody {
  networkInterfaces?: { id?: string }[];
  customDnsConfigs?: { ipAddresses?: string[] }[];
}

/** The parts of a network interface's ARM representation read here. */
interface NetworkInterfaceBody {
  ipConfigurations?: { properties?: { privateIPAddress?: string } }[];
}

async function readProperties<T>(azure: OpenAzure, at: ResourceReference, type: string): Promise<T> {
  const id = `/subscriptions/${at.subscriptionId}/resourceGroups/${at.resourceGroup}/providers/${type}/${at.name}`;
  const resource = await azure
    .client(resourcesClient, at.subscriptionId)
    .resources.getById(id, networkApiVersion);
  return (resource.properties ?? {}) as T;
}

function notFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

/** A NIC named by the endpoint: it is read in the subscription its own id names. */
function nicReference(id: string | undefined, endpoint: ResourceReference): ResourceReference {
  const nic = parseResourceGroupResourceId(id ?? '', 'Microsoft.Network/networkInterfaces');
  if (!nic)
    throw new UserFacingError(
      `The private endpoint ${endpoint.name} names a network interface whose id ARM should not give (${quoteValue(id ?? '')}): check the endpoint in the portal, and report it to Azure support if it persists.`,
    );
  return nic;
}

/**
 * Every private address of a private endpoint: each NIC's IP configurations (a `/32` suffix stripped) and the
 * endpoint's `customDnsConfigs`, sorted and without duplicates.
 */
export async function endpointAddresses(azure: OpenAzure, endpoint: ResourceReference): Promise<string[]> {
  const found = await readProperties<PrivateEndpointBody>(
    azure,
    endpoint,
    'Microsoft.Network/privateEndpoints',
  ).catch((error: unknown) => {
    if (notFound(error)) {
      throw new UserFacingError(
        `The private endpoint ${endpoint.name} does not exist in resource group ${endpoint.resourceGroup} of subscription ${endpoint.subscriptionId}: check private-endpoint and its resource group.`,
      );
    }
    throw error;
  });
  const interfaces = found.networkInterfaces ?? [];
  if (interfaces.length === 0) {
    throw new UserFacingError(
      `The private endpoint ${endpoint.name} has no network interface yet, so it has no address to publish: wait until it is provisioned, then run again.`,
    );
  }
  const addresses = new Set<string>();
  for (const reference of interfaces) {
    const at = nicReference(reference.id, endpoint);
    const nic = await readProperties<NetworkInterfaceBody>(azure, at, 'Microsoft.Network/networkInterfaces');
    for (const config of nic.ipConfigurations ?? []) {
      const address = config.properties?.privateIPAddress;
      if (address) addresses.add(address.replace(/\/\d+$/, ''));
    }
  }
  for (const config of found.customDnsConfigs ?? [])
    for (const ip of config.ipAddresses ?? []) addresses.add(ip);
  const ipv4 = [...addresses].filter((a) => /^\d{1,3}(\.\d{1,3}){3}$/.test(a));
  if (ipv4.length === 0) {
    throw new UserFacingError(
      `The private endpoint ${endpoint.name} has network interfaces but no IPv4 address: check that it is provisioned.`,
    );
  }
  return ipv4.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
