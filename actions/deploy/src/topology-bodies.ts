import type { OpenAzure } from '@azpn/azure';
import type { ResourceChange } from '@azpn/whatif';
import type { TopologyResource } from './topology.js';
import { resourcesClient } from '@azpn/azure/clients/resources';

const isExpression = (value: unknown) =>
  typeof value === 'string' && value.startsWith('[') && value.endsWith(']') && !value.startsWith('[[');

/**
 * True when a predicted body holds a reference (`id` or `…Id`) that is still a template expression only the
 * deployment could evaluate: the topology would miss that link.
 */
function holdsUnevaluatedReference(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsUnevaluatedReference);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(
    ([key, v]) => ((key === 'id' || key.endsWith('Id')) && isExpression(v)) || holdsUnevaluatedReference(v),
  );
}

/**
 * The bodies the topology is drawn from: what-if's prediction of each declared resource (it costs no call), read
 * back only where a reference in the prediction is an expression that only the deployment could evaluate.
 */
export async function topologyBodies(
  azure: OpenAzure,
  changes: readonly ResourceChange[],
): Promise<TopologyResource[]> {
  const declared = changes.filter((c) => c.changeType !== 'Delete' && c.changeType !== 'Ignore');
  const read = await Promise.all(
    declared.map(async (change) => {
      const predicted = change.after as Record<string, unknown> | undefined;
      const apiVersion = predicted?.apiVersion as string | undefined;
      if (predicted && !holdsUnevaluatedReference(predicted))
        return { id: change.resourceId, body: predicted };
      if (!apiVersion) return undefined;
      const body = await azure
        .client(resourcesClient)
        .resources.getById(change.resourceId, apiVersion)
        .catch(() => undefined);
      return body === undefined
        ? undefined
        : { id: change.resourceId, body: body as unknown as Record<string, unknown> };
    }),
  );
  return read.filter((r): r is TopologyResource => r !== undefined);
}
