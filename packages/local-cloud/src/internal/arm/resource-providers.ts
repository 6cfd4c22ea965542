import { json, type Reply } from '../http/exchange.js';
import { armError } from './arm-error.js';
import { resourcesApiVersions } from './api-versions.js';
import type { ArmContext } from './arm-context.js';
import { networkApiVersions } from '../network/network-api-versions.js';
import { computeApiVersions } from '../compute/compute-router.js';
import { privateDnsApiVersions, recordTypes } from '../private-dns/private-dns-router.js';
import { containerInstanceApiVersions } from '../container-instance/container-instance-router.js';

/** The resource types each emulated provider serves, with the api-versions it accepts for them. */
const emulated: Record<string, [string[], string[]]> = {
  'Microsoft.Network': [
    [
      'virtualNetworks',
      'virtualNetworks/subnets',
      'virtualNetworks/virtualNetworkPeerings',
      'networkInterfaces',
      'networkSecurityGroups',
      'loadBalancers',
      'natGateways',
      'publicIPAddresses',
      'privateEndpoints',
      'privateLinkServices',
    ],
    networkApiVersions,
  ],
  'Microsoft.Network/privateDns': [
    [
      'privateDnsZones',
      'privateDnsZones/virtualNetworkLinks',
      ...recordTypes.map((t) => `privateDnsZones/${t}`),
    ],
    privateDnsApiVersions,
  ],
  'Microsoft.Compute': [
    ['virtualMachineScaleSets', 'virtualMachineScaleSets/virtualMachines'],
    computeApiVersions,
  ],
  'Microsoft.ContainerInstance': [['containerGroups'], containerInstanceApiVersions],
  'Microsoft.Resources': [['resourceGroups', 'deployments', 'deployments/operations'], resourcesApiVersions],
};

/** Display names of Azure's regions, as providers list them; other scenario locations are listed as named. */
const displayNames: Record<string, string> = {
  westeurope: 'West Europe',
  northeurope: 'North Europe',
  swedencentral: 'Sweden Central',
  eastus: 'East US',
  eastus2: 'East US 2',
  westus2: 'West US 2',
  westus3: 'West US 3',
  centralus: 'Central US',
  uksouth: 'UK South',
  germanywestcentral: 'Germany West Central',
  francecentral: 'France Central',
};

/**
 * `GET /subscriptions/{id}/providers/{namespace}` (Providers_Get): the namespace's resource types with their
 * locations and api-versions, newest first. Clients read it to pick an api-version (azure-cli's `az resource`).
 */
export function getProvider(context: ArmContext, subscriptionId: string, namespace: string): Reply {
  const entries = Object.entries(emulated).filter(
    ([key]) => key.split('/')[0]!.toLowerCase() === namespace.toLowerCase(),
  );
  if (entries.length === 0) {
    return armError(404, 'InvalidResourceNamespace', `The resource namespace '${namespace}' is invalid.`);
  }
  const canonical = entries[0]![0].split('/')[0]!;
  const locations = context.scenario.locations.map((l) => displayNames[l] ?? l);
  return json(200, {
    id: `/subscriptions/${subscriptionId}/providers/${canonical}`,
    namespace: canonical,
    registrationState: 'Registered',
    registrationPolicy: 'RegistrationRequired',
    resourceTypes: entries.flatMap(([, [types, versions]]) =>
      types.map((resourceType) => ({
        resourceType,
        locations:
          resourceType === 'resourceGroups' || resourceType.startsWith('deployments') ? [] : locations,
        apiVersions: [...versions].sort((a, b) => b.localeCompare(a)),
        capabilities: 'None',
      })),
    ),
  });
}
