import { json, type Reply } from '../http/exchange.js';
import { armError } from './arm-error.js';
import { resourcesApiVersions } from './api-versions.js';
import type { ArmContext } from './arm-provider.js';
import type { ArmProvider } from './arm-provider.js';

/** The types ARM registers for itself (its deployments service is a provider like the others). */
const resourceManager: Pick<ArmProvider, 'namespace' | 'resourceTypes' | 'apiVersions' | 'locationless'> = {
  namespace: 'Microsoft.Resources',
  resourceTypes: ['resourceGroups'],
  apiVersions: resourcesApiVersions,
  locationless: true,
};

/** The api-version ARM uses for resources the cloud serves generically, when none is named. */
const genericApiVersion = '2024-03-01';

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * The api-version ARM's own callers (the deployment engine, admin deletes) use for a type no template names one
 * for: that of the provider serving the type (or a parent of it), else of the first provider of its namespace.
 */
export function defaultApiVersionFor(context: ArmContext, type: string): string {
  const lower = type.toLowerCase();
  const serving = context.providers.find((p) =>
    p.resourceTypes.some((t) => {
      const declared = `${p.namespace}/${t}`.toLowerCase();
      return lower === declared || lower.startsWith(`${declared}/`);
    }),
  );
  const namespace = type.split('/')[0] ?? '';
  const sibling = context.providers.find((p) => sameText(p.namespace, namespace));
  return (serving ?? sibling)?.defaultApiVersion ?? genericApiVersion;
}

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
  const entries = [resourceManager, ...context.providers].filter((p) => sameText(p.namespace, namespace));
  if (entries.length === 0) {
    return armError(404, 'InvalidResourceNamespace', `The resource namespace '${namespace}' is invalid.`);
  }
  const canonical = entries[0]!.namespace;
  const locations = context.scenario.locations.map((l) => displayNames[l] ?? l);
  return json(200, {
    id: `/subscriptions/${subscriptionId}/providers/${canonical}`,
    namespace: canonical,
    registrationState: 'Registered',
    registrationPolicy: 'RegistrationRequired',
    resourceTypes: entries.flatMap((provider) =>
      provider.resourceTypes.map((resourceType) => ({
        resourceType,
        locations: provider.locationless ? [] : locations,
        apiVersions: [...provider.apiVersions].sort((a, b) => b.localeCompare(a)),
        capabilities: 'None',
      })),
    ),
  });
}
