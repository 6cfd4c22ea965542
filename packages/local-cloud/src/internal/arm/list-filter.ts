/** A parsed `$filter` of the ARM list operations: a conjunction of equality tests and `substringof`. */
export type ListFilter = (resource: {
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
}) => boolean;

const clause =
  /^(?:(tagName|tagValue|resourceType|name|location)\s+eq\s+'((?:[^']|'')*)'|substringof\(\s*'((?:[^']|'')*)'\s*,\s*name\s*\))$/i;

/**
 * Parses `tagName eq 'x' and tagValue eq 'y'`, `resourceType eq '…'`, `name eq '…'`, `location eq '…'` and
 * `substringof('…', name)` joined by `and`; answers an error sentence for anything else.
 */
export function parseListFilter(filter: string | null, allowed: string[]): ListFilter | string {
  if (filter === null || filter.trim() === '') return () => true;
  const tests: ListFilter[] = [];
  let tagName: string | undefined;
  let tagValue: string | undefined;
  for (const part of filter.split(/\s+and\s+/i)) {
    const match = clause.exec(part.trim());
    const field = match?.[1]?.toLowerCase() ?? (match?.[3] !== undefined ? 'substringof' : undefined);
    if (match === null || field === undefined || !allowed.includes(field)) {
      return `The $filter '${filter}' is not supported; use ${allowed.map((a) => (a === 'substringof' ? "substringof('x', name)" : `${a} eq 'x'`)).join(', ')}, joined by 'and'.`;
    }
    const value = (match[2] ?? match[3] ?? '').replaceAll("''", "'");
    if (field === 'tagname') tagName = value;
    else if (field === 'tagvalue') tagValue = value;
    else if (field === 'resourcetype') tests.push((r) => r.type.toLowerCase() === value.toLowerCase());
    else if (field === 'name') tests.push((r) => r.name.toLowerCase() === value.toLowerCase());
    else if (field === 'location')
      tests.push((r) => (r.location ?? '').toLowerCase() === value.toLowerCase());
    else tests.push((r) => r.name.toLowerCase().includes(value.toLowerCase()));
  }
  if (tagValue !== undefined && tagName === undefined)
    return `The $filter '${filter}' uses tagValue without tagName; add tagName eq '<name>'.`;
  if (tagName !== undefined) tests.push(tagTest(tagName, tagValue));
  return (resource) => tests.every((test) => test(resource));
}

function tagTest(tagName: string, tagValue: string | undefined): ListFilter {
  // Tag names compare case-insensitively in ARM; tag values case-sensitively.
  return (resource) =>
    Object.entries(resource.tags ?? {}).some(
      ([name, value]) =>
        name.toLowerCase() === tagName.toLowerCase() && (tagValue === undefined || value === tagValue),
    );
}
