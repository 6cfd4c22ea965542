/**
 * The request body as ARM's providers read it: an optional property set to `null` is absent. Bicep sends such nulls
 * all the time (`natGateway: useNat ? { id: nat.id } : null`), so every object member that is `null` goes, at any
 * depth; array items stay as they are (a `null` item is the client's mistake to hear about).
 */
export function withoutNullMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullMembers);
  if (typeof value !== 'object' || value === null) return value;
  const kept: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== null) kept[key] = withoutNullMembers(member);
  }
  return kept;
}
