import type { Exchange, Reply } from '../http/exchange.js';
import type { ArmContext } from './arm-provider.js';
import { acceptOperation, type LongRunningProtocol, type OperationRequest } from './long-running.js';

/** The steps of one long-running DELETE, in the order ARM's providers run them. */
export interface DeleteSteps<Stored> {
  /** The record to delete; absent, the delete answers 204 and does nothing. */
  find(): Stored | undefined;
  /** Refuses the delete (a resource still in use, a failed precondition); undefined lets it go on. */
  refuse?(record: Stored): Reply | undefined;
  /** Shows `provisioningState: Deleting` on the record while the operation runs (the service's own habit). */
  marksDeleting?: boolean;
  /** The operation, in its service's protocol, whose completion removes the record. */
  operation(record: Stored): { protocol: LongRunningProtocol; request: OperationRequest };
}

/** Serves a long-running DELETE through its steps: 204 when absent, the refusal, or 202 with polling headers. */
export function serveDelete<Stored extends object>(
  exchange: Exchange,
  context: ArmContext,
  steps: DeleteSteps<Stored>,
): Reply {
  const record = steps.find();
  if (record === undefined) return { status: 204 };
  const refused = steps.refuse?.(record);
  if (refused !== undefined) return refused;
  const properties = (record as { properties?: Record<string, unknown> }).properties;
  if (steps.marksDeleting && properties !== undefined) properties.provisioningState = 'Deleting';
  const { protocol, request } = steps.operation(record);
  return acceptOperation(exchange, context, protocol, { ...request, deletes: true });
}
