import type { Reply } from '../http/exchange.js';
import { armError } from './arm-error.js';

/** What a list `$filter` reads of a resource (or resource group). */
export interface FilteredRecord {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  identity?: unknown;
  plan?: unknown;
}

/** A parsed `$filter`: which records it keeps, and whether it filtered by tag (ARM then answers no tags). */
export interface ListFilter {
  keeps(record: FilteredRecord): boolean;
  byTag: boolean;
}

type Clause =
  | { kind: 'compare'; property: string; negated: boolean; value: string }
  | { kind: 'substringof'; property: string; value: string }
  | { kind: 'startswith'; value: string };

const quoted = "'((?:[^']|'')*)'";
const unquote = (text: string) => text.replaceAll("''", "'");
const comparable =
  'tagname|tagvalue|resourcetype|name|location|resourcegroup|identity/principalid|plan/(?:publisher|product|name|version|promotioncode)';
const clausePatterns: [RegExp, (m: RegExpExecArray) => Clause][] = [
  [
    new RegExp(`^(${comparable})\\s+(eq|ne)\\s+${quoted}`, 'i'),
    (m) => ({
      kind: 'compare',
      property: m[1]!.toLowerCase(),
      negated: /^ne$/i.test(m[2]!),
      value: unquote(m[3]!),
    }),
  ],
  [
    new RegExp(`^substringof\\(\\s*${quoted}\\s*,\\s*(name|resourcegroup)\\s*\\)`, 'i'),
    (m) => ({ kind: 'substringof', property: m[2]!.toLowerCase(), value: unquote(m[1]!) }),
  ],
  [
    new RegExp(`^startswith\\(\\s*tagname\\s*,\\s*${quoted}\\s*\\)`, 'i'),
    (m) => ({ kind: 'startswith', value: unquote(m[1]!) }),
  ],
];

/** The filter as groups of clauses: `and` binds them, `or` joins the groups; undefined when it does not parse. */
function parseClauses(filter: string): Clause[][] | undefined {
  const groups: Clause[][] = [[]];
  let rest = filter.trim();
  for (;;) {
    const matched = clausePatterns
      .map(([pattern, build]) => ({ match: pattern.exec(rest), build }))
      .find((m) => m.match !== null);
    if (matched === undefined) return undefined;
    groups.at(-1)!.push(matched.build(matched.match!));
    rest = rest.slice(matched.match![0].length).trim();
    if (rest === '') return groups;
    const joiner = /^(and|or)\s+/i.exec(rest);
    if (joiner === null) return undefined;
    if (joiner[1]!.toLowerCase() === 'or') groups.push([]);
    rest = rest.slice(joiner[0].length);
  }
}

const isTag = (c: Clause) =>
  c.kind === 'startswith' || (c.kind === 'compare' && c.property.startsWith('tag'));

/**
 * Whether ARM accepts the clauses together: `or` only between `substringof`s; a tag filter (`tagName eq` with an
 * optional `tagValue eq`, or `startswith(tagName, …)`) alone; `tagValue` only with `tagName`.
 */
function acceptable(groups: Clause[][]): boolean {
  const clauses = groups.flat();
  if (groups.length > 1 && clauses.some((c) => c.kind !== 'substringof')) return false;
  if (!clauses.some(isTag)) return true;
  const shape = clauses
    .map((c) => (c.kind === 'compare' ? `${c.property} ${c.negated ? 'ne' : 'eq'}` : c.kind))
    .sort()
    .join();
  return ['tagname eq', 'tagname eq,tagvalue eq', 'startswith'].includes(shape);
}

function same(a: unknown, b: string): boolean {
  const fold = (s: string) => s.toLowerCase().replaceAll(' ', '');
  return typeof a === 'string' && fold(a) === fold(b);
}

/** The value of a comparable property of a record (its resource group read from its id). */
function propertyOf(record: FilteredRecord, property: string): unknown {
  const [head, tail] = property.split('/');
  const groupOf = () => /\/resourcegroups\/([^/]+)/i.exec(record.id)?.[1];
  const values: Record<string, () => unknown> = {
    resourcetype: () => record.type,
    name: () => record.name,
    location: () => record.location,
    resourcegroup: groupOf,
    identity: () => (record.identity as Record<string, unknown> | undefined)?.principalId,
    plan: () =>
      Object.entries((record.plan as Record<string, unknown> | undefined) ?? {}).find(
        ([key]) => key.toLowerCase() === tail,
      )?.[1],
  };
  return values[head!]?.();
}

function tagMatches(record: FilteredRecord, name: (n: string) => boolean, value?: string): boolean {
  // Tag names compare without regard to case in ARM; tag values exactly.
  return Object.entries(record.tags ?? {}).some(([n, v]) => name(n) && (value === undefined || v === value));
}

function keeps(groups: Clause[][], record: FilteredRecord): boolean {
  const tagName = groups.flat().find((c) => c.kind === 'compare' && c.property === 'tagname')?.value;
  const tagValue = groups.flat().find((c) => c.kind === 'compare' && c.property === 'tagvalue')?.value;
  const holds = (clause: Clause): boolean => {
    if (clause.kind === 'startswith')
      return tagMatches(record, (n) => n.toLowerCase().startsWith(clause.value.toLowerCase()));
    if (clause.kind === 'substringof')
      return String(propertyOf(record, clause.property) ?? '')
        .toLowerCase()
        .includes(clause.value.toLowerCase());
    if (clause.property === 'tagname') return tagMatches(record, (n) => same(n, tagName!), tagValue);
    if (clause.property === 'tagvalue') return true;
    return same(propertyOf(record, clause.property), clause.value) !== clause.negated;
  };
  return groups.some((group) => group.every(holds));
}

/** ARM's refusal of a `$filter` it does not take, in its own words. */
function invalidFilter(filter: string): Reply {
  return armError(
    400,
    'InvalidFilterInQueryString',
    `Invalid $filter '${filter}' specified in the query string.`,
  );
}

/**
 * Parses the `$filter` of a resource list (`tagsOnly` for resource groups, which take only tag filters): `eq`/`ne`
 * on resourceType, name, location, resourceGroup, identity/principalId and plan/…; `substringof('x', name |
 * resourceGroup)`; `tagName eq 'x' [and tagValue eq 'y']` or `startswith(tagName, 'x')` alone; clauses joined by
 * `and` (`or` between substringofs). Anything else is ARM's InvalidFilterInQueryString.
 */
export function parseListFilter(filter: string | null, tagsOnly = false): ListFilter | Reply {
  if (filter === null || filter.trim() === '') return { keeps: () => true, byTag: false };
  const groups = parseClauses(filter);
  if (groups === undefined || !acceptable(groups)) return invalidFilter(filter);
  const byTag = groups.flat().some(isTag);
  if (tagsOnly && !byTag) return invalidFilter(filter);
  return { keeps: (record) => keeps(groups, record), byTag };
}

/**
 * Parses the `$filter` of a deployment list: `provisioningState eq 'Failed'` (the only filter ARM documents there),
 * or nothing; anything else is ARM's InvalidFilterInQueryString.
 */
export function parseStateFilter(filter: string | null): ((state: string) => boolean) | Reply {
  if (filter === null || filter.trim() === '') return () => true;
  const match = new RegExp(`^\\s*provisioningState\\s+eq\\s+${quoted}\\s*$`, 'i').exec(filter);
  if (match === null) return invalidFilter(filter);
  const wanted = unquote(match[1]!).toLowerCase();
  return (state) => state.toLowerCase() === wanted;
}

/** The first `$top` items of a list (all of them when `$top` is absent or not a number). */
export function firstOf<T>(items: T[], top: string | null): T[] {
  const count = Number(top ?? items.length);
  return Number.isFinite(count) ? items.slice(0, count) : items;
}
