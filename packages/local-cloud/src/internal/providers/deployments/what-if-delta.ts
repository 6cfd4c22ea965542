import { isWriteOnly } from '../../arm/write-only.js';
import { droppedByWhatIf } from './what-if-normalization.js';

/** One property-level difference, as what-if reports it in `delta`. */
export interface PropertyChange {
  path: string;
  propertyChangeType: 'Create' | 'Delete' | 'Modify' | 'Array' | 'NoEffect';
  before?: unknown;
  after?: unknown;
  children?: PropertyChange[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An unevaluated ARM expression (a value that needs deployment-time state): what-if cannot compare it. */
function isUnevaluated(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('[') && value.endsWith(']');
}

/**
 * Absent as ARM compares: a member the request leaves null (ARM drops null members), an empty array, or an object
 * of such members is the same as no member at all.
 */
function isAbsent(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.values(value).every(isAbsent);
}

/** Values equal as ARM compares them: resource ids and locations without regard to case or spacing. */
function sameScalar(before: unknown, after: unknown, path: readonly string[]): boolean {
  if (before === after) return true;
  if (typeof before !== 'string' || typeof after !== 'string') return false;
  if (before.startsWith('/subscriptions/') || path.join('.') === 'location') {
    const fold = (s: string) => s.toLowerCase().replaceAll(' ', '');
    return fold(before) === fold(after);
  }
  return false;
}

/** Compares the current state of one resource type with the template's prediction, path by path. */
class DeltaWalk {
  constructor(private readonly type: string) {}

  private dropped(path: readonly string[]): boolean {
    return droppedByWhatIf(this.type, path);
  }

  /** `value` as what-if sees it: without the members it drops (array items keep their places). */
  visible(value: unknown, path: string[]): unknown {
    if (Array.isArray(value)) return value.map((item, i) => this.visible(item, [...path, String(i)]));
    if (!isObject(value)) return value;
    const kept = Object.entries(value).filter(([key]) => !this.dropped([...path, key]));
    return Object.fromEntries(kept.map(([key, member]) => [key, this.visible(member, [...path, key])]));
  }

  /** The changes under `path` (absolute segments); `base` is how many leading segments the reported paths omit. */
  value(before: unknown, after: unknown, path: string[], base: number): PropertyChange[] {
    if (isUnevaluated(after)) return [];
    const reported = path.slice(base).join('.');
    if (this.dropped(path)) {
      // A read-only member the template sets anyway: the service ignores it.
      if (isAbsent(after) || sameValue(before, after, path)) return [];
      return [{ path: reported, propertyChangeType: 'NoEffect', before, after }];
    }
    const shown = this.visible(before, path);
    if (isAbsent(after))
      return isAbsent(shown) ? [] : [{ path: reported, propertyChangeType: 'Delete', before: shown }];
    if (isAbsent(shown)) {
      // Providers never answer write-only members, so their absence in the current state is not a change.
      if (isWriteOnly(path.at(-1) ?? '')) return [];
      return [{ path: reported, propertyChangeType: 'Create', after }];
    }
    if (isObject(after) && isObject(before)) return this.object(before, after, path, base);
    if (Array.isArray(after) && Array.isArray(before)) return this.array(before, after, path, base);
    return sameValue(shown, after, path)
      ? []
      : [{ path: reported, propertyChangeType: 'Modify', before: shown, after }];
  }

  private object(
    before: Record<string, Json>,
    after: Record<string, Json>,
    path: string[],
    base: number,
  ): PropertyChange[] {
    const keys = [...Object.keys(after), ...Object.keys(before).filter((k) => !(k in after))];
    return keys.flatMap((key) => this.value(before[key], after[key], [...path, key], base));
  }

  /** Items compared by index; a changed scalar item is itself the change, an object item holds its changes. */
  private array(before: Json[], after: Json[], path: string[], base: number): PropertyChange[] {
    const children: PropertyChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const itemPath = [...path, String(i)];
      if (i >= before.length)
        children.push({ path: String(i), propertyChangeType: 'Create', after: after[i] });
      else if (i >= after.length)
        children.push({
          path: String(i),
          propertyChangeType: 'Delete',
          before: this.visible(before[i], itemPath),
        });
      else if (isObject(before[i]) && isObject(after[i])) {
        const inner = this.value(before[i], after[i], itemPath, itemPath.length);
        if (inner.length > 0)
          children.push({ path: String(i), propertyChangeType: 'Modify', children: inner });
      } else children.push(...this.value(before[i], after[i], itemPath, path.length));
    }
    if (children.length === 0) return [];
    return [{ path: path.slice(base).join('.'), propertyChangeType: 'Array', children }];
  }
}

/** Equal as what-if compares: scalars as {@link sameScalar}, structures member by member. */
function sameValue(before: unknown, after: unknown, path: readonly string[]): boolean {
  if (Array.isArray(before) && Array.isArray(after))
    return before.length === after.length && before.every((b, i) => sameValue(b, after[i], path));
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].every((k) => sameValue(before[k], after[k], [...path, k]));
  }
  return sameScalar(before, after, path);
}

/** The top-level members of a resource body that describe it (the rest, like name and type, identify it). */
const comparedMembers = ['location', 'tags', 'sku', 'kind', 'identity', 'zones', 'plan', 'properties'];

/**
 * The changes from `before` (the resource as its provider answers a GET) to `after` (what the template declares),
 * as ARM's what-if reports them: every member of either side is compared once ARM has dropped what it treats as
 * read-only ({@link droppedByWhatIf}), so what the provider answers and the template does not set is a `Delete`,
 * what the template sets and the provider does not answer a `Create`, and a read-only member the template sets
 * anyway `NoEffect`.
 */
export function resourceDelta(
  type: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): PropertyChange[] {
  const walk = new DeltaWalk(type);
  return comparedMembers.flatMap((member) => walk.value(before[member], after[member], [member], 0));
}

/** True when a delta changes something: a resource whose only property changes are `NoEffect` is unchanged. */
export function changesSomething(delta: readonly PropertyChange[]): boolean {
  return delta.some((change) => change.propertyChangeType !== 'NoEffect');
}
