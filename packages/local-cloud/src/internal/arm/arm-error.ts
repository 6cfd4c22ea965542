import { json, type Exchange, type Reply } from '../http/exchange.js';

/** An ARM error reply: `{ error: { code, message, details } }`. */
export function armError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  return json(status, { error: { code, message, details: [] } }, headers);
}

/** 405 for a method the path does not take. */
export function methodNotAllowed(exchange: Exchange): Reply {
  return armError(
    405,
    'MethodNotAllowed',
    `The requested method '${exchange.method}' is not supported for '${exchange.path}'.`,
  );
}
