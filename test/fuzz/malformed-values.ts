import fc from 'fast-check';

/** Letters and digits every name rule accepts, to wrap a bad character so that trimming cannot drop it. */
const safe = fc.stringMatching(/^[a-z0-9]{1,8}$/);

/** Characters no ARM name of the actions' types takes, nor a URL path keeps as they are. */
const badCharacter = fc.constantFrom(
  '/',
  '#',
  ' ',
  '\t',
  '?',
  '%',
  '<',
  '>',
  '&',
  '\\',
  '"',
  "'",
  '*',
  ':',
  '|',
  '€',
  '\u0000',
  '\u200b',
  '\n',
  '+',
  '=',
  '@',
  ',',
  ';',
);

/** A value with a bad character inside, a path step, a trailing dot or an enormous length. */
export function malformedName(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('.', '..', '../..', '/', './x', 'a/../b'),
    fc.tuple(safe, badCharacter, safe).map(([a, bad, b]) => `${a}${bad}${b}`),
    safe.map((a) => `${a}.`),
    fc.integer({ min: maxLength + 1, max: 102_400 }).map((n) => 'n'.repeat(n)),
  );
}

/** A malformed entry of an input read one value a line: a line break would only split it into two values. */
export function malformedLine(maxLength: number): fc.Arbitrary<string> {
  return malformedName(maxLength).filter((value) => !value.includes('\n'));
}

/** Text that is not a GUID. */
export const notAGuid = fc.oneof(
  fc.uuid().map((u) => u.replace(/-/g, '')),
  fc.uuid().map((u) => `${u}x`),
  fc.uuid().map((u) => u.slice(0, 35)),
  fc.tuple(safe, badCharacter).map(([a, b]) => `${a}${b}${a}`),
  fc.constantFrom('my-subscription', '..', '00000000-0000-0000-0000-00000000000g'),
);

/** A resource id that the one parser must refuse: `..`, empty steps, no leading slash, a non-GUID subscription. */
export function malformedId(type: string, name = 'x1'): fc.Arbitrary<string> {
  const good = (sub: string, group: string, n: string) =>
    `/subscriptions/${sub}/resourceGroups/${group}/providers/${type}/${n}`;
  return fc.oneof(
    fc.uuid().map((u) => good(u, '..', name)),
    fc.uuid().map((u) => good(u, 'rg', '..')),
    fc.uuid().map((u) => good(u, 'rg/../other', name)),
    fc.uuid().map((u) => good(u, 'rg', name).slice(1)),
    fc.uuid().map((u) => good(u, 'rg', name).replace('/resourceGroups/rg', '/resourceGroups/')),
    notAGuid.map((s) => good(s, 'rg', name)),
    fc.uuid().map((u) => `${good(u, 'rg', name)}/extra/child`),
  );
}

/** Not a whole number, or one outside `min`–`max`. */
export function malformedInteger(min: number, max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('two', '1.5', '1e3', '0x10', '--1', '3 s', 'NaN', 'Infinity'),
    fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }).map(String),
    ...(min > Number.MIN_SAFE_INTEGER ? [fc.integer({ min: -1_000_000, max: min - 1 }).map(String)] : []),
  );
}

/** Not one of `allowed` (nor a spelling of it that trimming turns into one). */
export function notOneOf(allowed: readonly string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 30 }),
      fc.constantFrom('TRUE ', 'Deploy', 'yes', 'on', '1', 'what if'),
    )
    .filter((s) => s.trim() !== '' && !allowed.includes(s.trim()));
}

/** Text that is not YAML at all. */
export const notYaml = fc.constantFrom('a: [1', '{ unclosed', 'key: "open', '- a\n b: [', ': :\n  - : [');

/** Text that is not JSON. */
export const notJson = fc.oneof(
  fc.constantFrom('yesterday', '[{', '{"id": }', "['single']", '[1,]'),
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return s.trim() !== '';
    }
  }),
);
