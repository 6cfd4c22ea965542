import { json, jsonBody, type Exchange, type Reply } from '../http/exchange.js';
import type { ArmContext } from './arm-provider.js';
import { startOperation, type LongRunningProtocol, type OperationRequest } from './long-running.js';
import { withoutNullMembers } from './null-members.js';
import type { ResourceRecord } from './resource-store.js';

/** A stored record: whatever else it holds, it has its id (which no reply has). */
export interface Identified {
  id: string;
}

/**
 * The steps of one PUT, in the order ARM's providers run them: validate the body, find what is stored, build the
 * new record (checks against the store refuse here), save it, start the operation. Every step but `build` and
 * `save` may be left out.
 */
export interface PutSteps<Body, Stored extends Identified> {
  /** The request body (default: the call's body, read as ARM's lenient JSON reader does); null members are absent. */
  body?: unknown;
  /** Refuses a malformed body (400) before anything else is read; undefined accepts it as a `Body`. */
  validate?(raw: unknown): Reply | undefined;
  /** The record stored now, if any: it decides 201 (created) or 200 (replaced). */
  find(): Stored | undefined;
  /** The record to store, or the reply that refuses the write (nothing is saved then). */
  build(body: Body, existing: Stored | undefined): Stored | Reply;
  /** Puts the record in place; a reply refuses the write, the step having undone what it did. */
  save(record: Stored, existing: Stored | undefined): Reply | undefined;
  /** The long-running operation the write starts, in its service's protocol; none for a synchronous write. */
  operation?(record: Stored): { protocol: LongRunningProtocol; request: OperationRequest };
  /** The reply's body (default: a copy of the record, so later changes to the store do not show in it). */
  present?(record: Stored): unknown;
}

function isRecord<Stored extends Identified>(value: Stored | Reply): value is Stored {
  return typeof (value as Partial<Identified>).id === 'string';
}

/**
 * Serves a PUT through its steps: validate → build → save → start the operation → 201 (created) or 200 (replaced)
 * with the record and the operation's polling headers; or 202 without a body for a service that accepts writes.
 */
export function servePut<Body, Stored extends Identified>(
  exchange: Exchange,
  context: ArmContext,
  steps: PutSteps<Body, Stored>,
): Reply {
  const raw = withoutNullMembers('body' in steps ? steps.body : jsonBody(exchange));
  const malformed = steps.validate?.(raw);
  if (malformed !== undefined) return malformed;
  const existing = steps.find();
  const record = steps.build(raw as Body, existing);
  if (!isRecord(record)) return record;
  const refused = steps.save(record, existing);
  if (refused !== undefined) return refused;
  const started = steps.operation?.(record);
  const headers =
    started === undefined ? {} : startOperation(exchange, context, started.protocol, started.request);
  if (started?.protocol.acceptsWrites) return { status: 202, headers };
  const body = steps.present === undefined ? structuredClone(record) : steps.present(record);
  return json(existing === undefined ? 201 : 200, body, headers);
}

/** The `find` and `save` steps of a record kept in the store's resource map under its id. */
export function inResourceMap<Stored extends ResourceRecord>(
  context: ArmContext,
  id: string,
): Pick<PutSteps<unknown, Stored>, 'find' | 'save'> {
  return {
    find: () => context.store.resources.get(id.toLowerCase()) as Stored | undefined,
    save: (record) => {
      context.store.resources.set(id.toLowerCase(), record);
      return undefined;
    },
  };
}
