/**
 * Write-only members: a resource provider takes them in a PUT and never answers them (Compute's `adminPassword` and
 * `customData`, an extension's `protectedSettings`, ACI's `secureValue` and registry `password`). They carry secrets,
 * so no answer and no file of the cloud shows them; the store keeps them for the fabric (a scale set's customData).
 */
const writeOnlyNames = new Set([
  'customdata',
  'adminpassword',
  'protectedsettings',
  'securevalue',
  'password',
]);

/** Whether a member is write-only. */
export function isWriteOnly(name: string): boolean {
  return writeOnlyNames.has(name.toLowerCase());
}

function without(value: unknown, drop: (name: string) => boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => without(item, drop));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => !drop(name))
      .map(([name, member]) => [name, without(member, drop)]),
  );
}

/** A copy of a body as a provider answers it: without its write-only members, at any depth. */
export function withoutWriteOnly<T>(body: T): T {
  return without(body, isWriteOnly) as T;
}

/**
 * A copy of a stored record as the snapshot file keeps it: without the write-only secrets, but with a scale set's
 * base64 `customData`, which the fabric boots its instances from again after a restart.
 */
export function withoutWriteOnlySecrets<T>(record: T): T {
  return without(record, (name) => isWriteOnly(name) && name.toLowerCase() !== 'customdata') as T;
}
