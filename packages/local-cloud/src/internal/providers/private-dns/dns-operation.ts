import { randomUUID } from 'node:crypto';
import type { Reply } from '../../http/exchange.js';
import { json } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import { findOperation, type LongRunningProtocol, type OperationRequest } from '../../arm/long-running.js';
import type { ZoneAddress } from './zone-address.js';

/**
 * The private DNS service's operations (zone and link writes and deletes are long-running): 202 without a body,
 * `Azure-AsyncOperation` at `…/privateDnsOperationStatuses/{id}` and `Location` at `…/privateDnsOperationResults/
 * {id}`, both under the resource group, with Retry-After up to 60 s.
 */
const dnsProtocol: LongRunningProtocol = {
  newId: (exchange) => Buffer.from(`AsyncOperation;${exchange.method};${randomUUID()}`).toString('base64url'),
  pollHeaders: (at) => {
    const base = `${at.resourceManager}subscriptions/${at.subscriptionId}/resourceGroups/${at.resourceGroup}/providers/Microsoft.Network`;
    return {
      'azure-asyncoperation': `${base}/privateDnsOperationStatuses/${at.id}?api-version=${at.apiVersion}`,
      location: `${base}/privateDnsOperationResults/${at.id}?api-version=${at.apiVersion}`,
    };
  },
  retryAfter: { floor: 0, cap: 60 },
  acceptsWrites: true,
};

/** The operation of a zone or link write or delete: `complete` applies it, `result` is what its result URL answers. */
export function dnsOperation(
  address: Pick<ZoneAddress, 'subscriptionId' | 'resourceGroup'>,
  complete: () => void,
  result?: () => unknown,
): { protocol: LongRunningProtocol; request: OperationRequest } {
  const { subscriptionId, resourceGroup } = address;
  return {
    protocol: dnsProtocol,
    request: { subscriptionId, resourceGroup, complete, ...(result === undefined ? {} : { result }) },
  };
}

/** `GET …/privateDnsOperationStatuses/{id}`: `{ status: InProgress | Succeeded }`. */
export function serveDnsOperationStatus(context: ArmContext, subscriptionId: string, id: string): Reply {
  const operation = findOperation(context, subscriptionId, id);
  if (operation === undefined) return armError(404, 'NotFound', `The operation '${id}' was not found.`);
  if (operation.status === 'InProgress') {
    const seconds = Math.max(1, Math.ceil((operation.completesAt - context.now()) / 1000));
    return json(200, { status: 'InProgress' }, { 'retry-after': String(seconds) });
  }
  return json(200, { status: 'Succeeded' });
}

/** `GET …/privateDnsOperationResults/{id}`: 202 while running, then the resource (writes) or 204 (deletes). */
export function serveDnsOperationResult(context: ArmContext, subscriptionId: string, id: string): Reply {
  const operation = findOperation(context, subscriptionId, id);
  if (operation === undefined) return armError(404, 'NotFound', `The operation '${id}' was not found.`);
  if (operation.status === 'InProgress') return { status: 202, headers: { 'retry-after': '1' } };
  return operation.result === undefined ? { status: 204 } : json(200, operation.result());
}
