/** A scenario that does not validate; the message names the bad field. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

/** Reads typed fields from parsed YAML/JSON, failing with the path of the bad field. */
export type Fields = Record<string, unknown>;

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(path: string, expected: string, value: unknown): never {
  throw new ScenarioError(
    `Scenario field '${path}' must be ${expected} (found ${JSON.stringify(value) ?? 'nothing'}); fix it in the scenario file.`,
  );
}

/** Requires an object (mapping) at `path`. */
export function objectAt(value: unknown, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'a mapping', value);
  return value as Fields;
}

/** Rejects keys the scenario format does not know, so typos do not pass silently. */
export function onlyKeys(fields: Fields, path: string, allowed: string[]): void {
  const unknown = Object.keys(fields).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new ScenarioError(
      `Scenario field '${path ? `${path}.` : ''}${unknown}' is not known; use one of ${allowed.join(', ')}.`,
    );
  }
}

/** A list at `path` (absent means empty when `optional`). */
export function listAt(fields: Fields, key: string, path: string, optional = false): unknown[] {
  const value = fields[key];
  if (value === undefined && optional) return [];
  if (!Array.isArray(value)) fail(`${path}${key}`, 'a list', value);
  return value;
}

/** A non-empty string at `path`. */
export function stringAt(fields: Fields, key: string, path: string): string {
  const value = fields[key];
  if (typeof value !== 'string' || value.length === 0) fail(`${path}${key}`, 'a non-empty string', value);
  return value;
}

/** An optional non-empty string. */
export function optionalStringAt(fields: Fields, key: string, path: string): string | undefined {
  return fields[key] === undefined ? undefined : stringAt(fields, key, path);
}

/** A GUID (tenant, subscription, client and object ids). */
export function guidAt(fields: Fields, key: string, path: string): string {
  const value = fields[key];
  if (typeof value !== 'string' || !guidPattern.test(value)) fail(`${path}${key}`, 'a GUID', value);
  return value.toLowerCase();
}

/** A number of at least `min`, or `fallback` when absent. */
export function numberAt(fields: Fields, key: string, path: string, fallback: number, min = 0): number {
  const value = fields[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    fail(`${path}${key}`, `a number of at least ${min}`, value);
  }
  return value;
}

/** One of the listed words, or `fallback` when absent. */
export function choiceAt<T extends string>(
  fields: Fields,
  key: string,
  path: string,
  choices: T[],
  fallback?: T,
): T {
  const value = fields[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !choices.includes(value as T))
    fail(`${path}${key}`, `one of ${choices.join(', ')}`, value);
  return value as T;
}
