import { describeResource, type PropertyChange, type ResourceChange } from './changes.js';
import type { SecureFlow } from './secure-flow.js';

/** What a redacted value is shown as, in lines, tables, comments and outputs. */
export const redactedValue = '(redacted)';

/**
 * Properties Azure never returns or that hold credentials by their nature (write-only members, keys, connection
 * strings): what-if cannot prove such a value public, whatever the template says, so it is never shown.
 */
const secretByName =
  /^(?:adminPassword|password|customData|protectedSettings|protectedSettingsFromKeyVault|secureValue|secret|clientSecret|connectionString|primaryKey|secondaryKey|sharedKey|privateKey|sasToken|accessKey|.*(?:Password|Secret|ConnectionString|AccessKey|SasToken|PrivateKey))$/i;

/** What redaction knows of this run's secrets. */
export interface RedactionSources {
  /** Where the template's secure values flow ({@link secureFlow}). */
  flow: SecureFlow;
  /** True when a text holds a registered secret in any form (`SecretRegistry.holdsSecret`). */
  holdsSecret?: (text: string) => boolean;
}

type Path = readonly string[];

const isIndex = (segment: string) => /^\d+$/.test(segment);

function segmentMatches(pattern: string, segment: string): boolean {
  return pattern === '*'
    ? isIndex(segment) || segment === '*'
    : pattern.toLowerCase() === segment.toLowerCase();
}

/** True when `secure` names `path` or one of its ancestors: everything at `path` is secret. */
function covers(secure: Path, path: Path): boolean {
  return secure.length <= path.length && secure.every((s, i) => segmentMatches(s, path[i]!));
}

/** True when `secure` lies strictly under `path`: part of the value at `path` is secret. */
function reachesInto(path: Path, secure: Path): boolean {
  return path.length < secure.length && path.every((p, i) => segmentMatches(secure[i]!, p));
}

class Redactor {
  constructor(
    private readonly paths: readonly Path[],
    private readonly holdsSecret: (text: string) => boolean,
  ) {}

  hides(path: Path): boolean {
    const last = path.at(-1);
    return (
      (last !== undefined && secretByName.test(last)) || this.paths.some((secure) => covers(secure, path))
    );
  }

  value(value: unknown, path: Path): unknown {
    if (value === undefined || value === null) return value;
    if (this.hides(path)) return redactedValue;
    if (typeof value === 'string') return this.holdsSecret(value) ? redactedValue : value;
    if (Array.isArray(value)) return value.map((item) => this.value(item, [...path, '*']));
    if (typeof value === 'object') {
      if (!this.paths.some((secure) => reachesInto(path, secure)) && !this.holdsSecret(JSON.stringify(value)))
        return this.withSecretNames(value as Record<string, unknown>, path);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v, [...path, k])]));
    }
    return value;
  }

  /** An object no secure path reaches into: only members secret by name are hidden. */
  private withSecretNames(value: Record<string, unknown>, path: Path): unknown {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        secretByName.test(k) ? redactedValue : this.deepNames(v, [...path, k]),
      ]),
    );
  }

  private deepNames(value: unknown, path: Path): unknown {
    if (Array.isArray(value)) return value.map((item) => this.deepNames(item, [...path, '*']));
    if (typeof value === 'object' && value !== null)
      return this.withSecretNames(value as Record<string, unknown>, path);
    return value;
  }

  delta(changes: readonly PropertyChange[], parent: Path): PropertyChange[] {
    return changes.map((change) => {
      const path = [...parent, ...change.path.split('.').filter((s) => s !== '')];
      const redacted: PropertyChange = { ...change };
      if ('before' in change) redacted.before = this.value(change.before, path);
      if ('after' in change) redacted.after = this.value(change.after, path);
      if (change.children) redacted.children = this.delta(change.children, path);
      return redacted;
    });
  }
}

/**
 * What-if changes with every value that is not provably public replaced by {@link redactedValue}: the
 * properties a secure parameter feeds (before and after: the previous value is a secret this run never
 * registered), properties that hold credentials by name, and any value holding a registered secret in any form.
 * Resource ids and change types stay, so a reader still sees that a secure property changed.
 */
export function redactChanges(
  changes: readonly ResourceChange[],
  sources: RedactionSources,
): ResourceChange[] {
  const holdsSecret = sources.holdsSecret ?? (() => false);
  return changes.map((change) => {
    const type = describeResource(change.resourceId).type.toLowerCase();
    const paths = sources.flow.properties.filter((p) => p.type.toLowerCase() === type).map((p) => p.path);
    const redactor = new Redactor(paths, holdsSecret);
    const redacted: ResourceChange = { resourceId: change.resourceId, changeType: change.changeType };
    if (change.before !== undefined) redacted.before = redactor.value(change.before, []);
    if (change.after !== undefined) redacted.after = redactor.value(change.after, []);
    if (change.delta) redacted.delta = redactor.delta(change.delta, []);
    return redacted;
  });
}
