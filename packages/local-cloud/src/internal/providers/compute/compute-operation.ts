import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../../http/exchange.js';
import { json } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import type { ResourceAddress } from '../../arm/generic-resources.js';
import { findOperation, type LongRunningProtocol, type OperationRequest } from '../../arm/long-running.js';

/**
 * Compute's operations: `Azure-AsyncOperation` at `…/providers/Microsoft.Compute/locations/{l}/operations/{id}` and,
 * for deletes, `Location` (the same URL with `monitor=true`, as Compute answers it); Retry-After capped at 10 s.
 */
const computeProtocol: LongRunningProtocol = {
  newId: () => randomUUID(),
  pollHeaders: (at) => {
    const url = `${at.resourceManager}subscriptions/${at.subscriptionId}/providers/Microsoft.Compute/locations/${at.location}/operations/${at.id}?api-version=${at.apiVersion}`;
    return {
      'azure-asyncoperation': url,
      ...(at.deletes ? { location: `${url}&monitor=true` } : {}),
      'azure-asyncnotification': 'Enabled',
    };
  },
  retryAfter: { floor: 0, cap: 10 },
};

/** The operation of a Compute write or delete in `location`, that `complete` ends. */
export function computeOperation(
  address: Pick<ResourceAddress, 'subscriptionId'>,
  location: string,
  complete: () => void,
): { protocol: LongRunningProtocol; request: OperationRequest } {
  return {
    protocol: computeProtocol,
    request: { subscriptionId: address.subscriptionId, location, complete },
  };
}

/**
 * `GET …/locations/{l}/operations/{id}`: `{ startTime, status, name }`, with `endTime` once Succeeded; with
 * `monitor=true` (the Location URL of a delete) 202 while running, then 200 without a body.
 */
export function serveComputeOperation(
  exchange: Exchange,
  context: ArmContext,
  subscriptionId: string,
  id: string,
): Reply {
  const operation = findOperation(context, subscriptionId, id);
  if (operation === undefined) return armError(404, 'NotFound', `The operation ${id} was not found.`);
  const running = operation.status === 'InProgress';
  if (exchange.query.get('monitor') === 'true') return { status: running ? 202 : 200 };
  return json(200, {
    startTime: new Date(operation.startedAt).toISOString(),
    ...(running ? {} : { endTime: new Date(operation.completesAt).toISOString() }),
    status: running ? 'InProgress' : 'Succeeded',
    name: id,
  });
}
