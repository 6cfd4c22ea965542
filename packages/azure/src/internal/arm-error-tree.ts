/** One error of an ARM error tree, after JSON-in-string messages have been opened. */
export interface ArmErrorNode {
  code?: string;
  message: string;
  target?: string;
  details: ArmErrorNode[];
}

/**
 * Reads an ARM error body in any of the shapes ARM and resource providers use: `{ error: {...} }`,
 * a bare `{ code, message, details }`, a deployment operation's `{ status, error }`, or a string that is one of
 * these encoded as JSON (ARM's DeploymentFailed puts a provider's whole body in `details[].message`).
 */
export function parseArmError(body: unknown, depth = 0): ArmErrorNode | undefined {
  if (depth > 8) return undefined;
  if (typeof body === 'string') {
    const parsed = parseJsonObject(body);
    return parsed === undefined ? undefined : parseArmError(parsed, depth + 1);
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const wrapped = record['error'] ?? record['odata.error'];
  if (typeof wrapped === 'object' && wrapped !== null && !('code' in record && 'message' in record)) {
    return parseArmError(wrapped, depth + 1);
  }
  const code = text(record['code']) ?? text(record['Code']);
  const rawMessage = record['message'] ?? record['Message'];
  const message =
    typeof rawMessage === 'object' && rawMessage !== null
      ? text((rawMessage as { value?: unknown }).value)
      : text(rawMessage);
  if (code === undefined && message === undefined) return undefined;
  const node: ArmErrorNode = { message: message ?? '', details: [] };
  if (code) node.code = code;
  const target = text(record['target']);
  if (target) node.target = target;
  const inner = message === undefined ? undefined : parseArmError(message, depth + 1);
  if (inner) {
    // The message was a whole error body: it is the real error, and this node only a wrapper around it.
    node.message = inner.message;
    node.details.push(...(inner.code && inner.code !== code ? [inner] : inner.details));
    if (!node.code && inner.code) node.code = inner.code;
  }
  const details = record['details'] ?? record['Details'];
  if (Array.isArray(details)) {
    for (const item of details) {
      const child = parseArmError(item, depth + 1);
      if (child) node.details.push(child);
    }
  }
  return node;
}

/** The errors at the bottom of the tree: the causes, in document order. A node without details is its own cause. */
export function rootCauses(node: ArmErrorNode): ArmErrorNode[] {
  if (node.details.length === 0) return [node];
  return node.details.flatMap(rootCauses);
}

function parseJsonObject(value: string): unknown {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
