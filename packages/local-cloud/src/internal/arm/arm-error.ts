import { json, type Reply } from '../http/exchange.js';

/** An ARM error reply: `{ error: { code, message, details } }`. */
export function armError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  return json(status, { error: { code, message, details: [] } }, headers);
}
