/**
 * Seeded generators of function calls, each written twice: in Bicep syntax for `bicep console` and in ARM
 * template syntax for our engine. The same seed always gives the same cases.
 */

/** One generated call: the same expression in both syntaxes, and the function it exercises. */
export interface FunctionCase {
  fn: string;
  bicep: string;
  arm: string;
}

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Literal = string | number | boolean | Literal[] | { [k: string]: Literal };

/** A value literal in Bicep syntax. */
export function bicepLiteral(v: Literal): string {
  if (typeof v === 'string')
    return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$\{/g, '\\${')}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(bicepLiteral).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `'${k}': ${bicepLiteral(x)}`)
    .join(', ')}}`;
}

/** A value literal in ARM expression syntax. */
export function armLiteral(v: Literal): string {
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true()' : 'false()';
  if (Array.isArray(v)) return `createArray(${v.map(armLiteral).join(', ')})`;
  return `createObject(${Object.entries(v)
    .map(([k, x]) => `'${k}', ${armLiteral(x)}`)
    .join(', ')})`;
}

class Gen {
  constructor(readonly rnd: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.rnd() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
  word(max = 8): string {
    const chars = 'abcXYZ019 -_.é/:,';
    return Array.from({ length: this.int(0, max) }, () => this.pick([...chars])).join('');
  }
  key(): string {
    return this.pick(['a', 'b', 'c', 'Name', 'x1', 'zeta']);
  }
  scalar(): Literal {
    return this.pick([() => this.word(), () => this.int(-50, 50), () => this.rnd() < 0.5] as const)();
  }
  array(depth = 1): Literal[] {
    return Array.from({ length: this.int(0, 4) }, () =>
      depth > 0 && this.rnd() < 0.2 ? this.object(depth - 1) : this.scalar(),
    );
  }
  object(depth = 1): Record<string, Literal> {
    const o: Record<string, Literal> = {};
    for (let i = this.int(0, 3); i > 0; i--)
      o[this.key()] = depth > 0 && this.rnd() < 0.3 ? this.array(depth - 1) : this.scalar();
    return o;
  }
  ints(): number[] {
    return Array.from({ length: this.int(1, 5) }, () => this.int(-20, 20));
  }
  words(): string[] {
    return Array.from({ length: this.int(0, 4) }, () => this.word(4));
  }
  ipv4(): string {
    return [this.int(0, 255), this.int(0, 255), this.int(0, 255), this.int(0, 255)].join('.');
  }
}

/** A call written the same way in both syntaxes. */
function call(fn: string, args: Literal[]): FunctionCase {
  return {
    fn,
    bicep: `${fn}(${args.map(bicepLiteral).join(', ')})`,
    arm: `${fn}(${args.map(armLiteral).join(', ')})`,
  };
}

/** A call whose Bicep form is an operator. */
function operator(fn: string, op: string, a: Literal, b: Literal): FunctionCase {
  return {
    fn,
    bicep: `(${bicepLiteral(a)} ${op} ${bicepLiteral(b)})`,
    arm: `${fn}(${armLiteral(a)}, ${armLiteral(b)})`,
  };
}

const GENERATORS: Record<string, (g: Gen) => FunctionCase> = {
  uniqueString: (g) =>
    call(
      'uniqueString',
      Array.from({ length: g.int(1, 3) }, () => g.word(20)),
    ),
  guid: (g) =>
    call(
      'guid',
      Array.from({ length: g.int(1, 3) }, () => g.word(20)),
    ),
  string: (g) => call('string', [g.pick([g.scalar(), g.array(), g.object()])]),
  format: (g) => call('format', ['{0}-{1}|{0}', g.scalar(), g.scalar()]),
  formatNumber: (g) => ({
    ...call('format', [g.pick(['{0:N2}', '{0:D5}', '{0:X}', '{0,6}', '{0,-4}|']), g.int(0, 99999)]),
    fn: 'format',
  }),
  concat: (g) =>
    g.rnd() < 0.5 ? call('concat', [g.word(), g.word(), g.scalar()]) : call('concat', [g.array(), g.array()]),
  contains: (g) =>
    g.pick([
      () => call('contains', [g.word(), g.word(2)]),
      () => call('contains', [g.array(), g.scalar()]),
      () => call('contains', [g.object(), g.key()]),
    ])(),
  indexOf: (g) => call('indexOf', [g.word(), g.word(2)]),
  lastIndexOf: (g) => call('lastIndexOf', [g.word(), g.word(2)]),
  startsWith: (g) => call('startsWith', [g.word(), g.word(2)]),
  endsWith: (g) => call('endsWith', [g.word(), g.word(2)]),
  toLower: (g) => call('toLower', [g.word()]),
  toUpper: (g) => call('toUpper', [g.word()]),
  trim: (g) => call('trim', [`  ${g.word()} `]),
  replace: (g) => call('replace', [g.word(), g.pick(['a', 'X', ' ', '0']), g.word(2)]),
  split: (g) => call('split', [g.word(10), g.pick([',', ' ', ['-', '.']])]),
  substring: (g) => {
    const w = g.word(10);
    const start = g.int(0, w.length);
    return call('substring', [w, start, g.int(0, w.length - start)]);
  },
  padLeft: (g) => call('padLeft', [g.word(4), g.int(0, 8), g.pick(['0', '*'])]),
  base64: (g) => call('base64', [g.word()]),
  base64ToString: (g) => {
    const w = g.word();
    return {
      fn: 'base64ToString',
      bicep: `base64ToString(base64(${bicepLiteral(w)}))`,
      arm: `base64ToString(base64(${armLiteral(w)}))`,
    };
  },
  uriComponent: (g) => call('uriComponent', [g.word(12)]),
  dataUri: (g) => call('dataUri', [g.word()]),
  length: (g) => call('length', [g.pick([g.word(), g.array(), g.object()])]),
  empty: (g) => call('empty', [g.pick([g.word(1), g.array(), g.object()])]),
  first: (g) => call('first', [g.pick([g.word(), g.array()])]),
  last: (g) => call('last', [g.pick([g.word(), g.array()])]),
  skip: (g) => call('skip', [g.pick([g.word(), g.array()]), g.int(-1, 5)]),
  take: (g) => call('take', [g.pick([g.word(), g.array()]), g.int(-1, 5)]),
  union: (g) =>
    g.rnd() < 0.5 ? call('union', [g.array(), g.array()]) : call('union', [g.object(), g.object()]),
  intersection: (g) =>
    g.rnd() < 0.5
      ? call('intersection', [g.ints(), g.ints()])
      : call('intersection', [g.object(0), g.object(0)]),
  items: (g) => call('items', [g.object()]),
  objectKeys: (g) => call('objectKeys', [g.object()]),
  join: (g) => call('join', [g.words(), g.pick([',', '', ' - '])]),
  range: (g) => call('range', [g.int(-5, 5), g.int(0, 5)]),
  max: (g) => call('max', [g.ints()]),
  min: (g) => call('min', g.ints()),
  flatten: (g) => call('flatten', [[g.ints(), g.words(), []]]),
  int: (g) => call('int', [String(g.int(-999, 999))]),
  bool: (g) => call('bool', [g.pick(['true', 'False', 'TRUE', 0, 1])]),
  add: (g) => operator('add', '+', g.int(-1000, 1000), g.int(-1000, 1000)),
  sub: (g) => operator('sub', '-', g.int(-1000, 1000), g.int(-1000, 1000)),
  mul: (g) => operator('mul', '*', g.int(-1000, 1000), g.int(-1000, 1000)),
  div: (g) => operator('div', '/', g.int(-1000, 1000), g.pick([-7, -3, 2, 5, 11])),
  mod: (g) => operator('mod', '%', g.int(-1000, 1000), g.pick([-7, -3, 2, 5, 11])),
  equals: (g) => operator('equals', '==', g.scalar(), g.pick([g.scalar(), 'a', 1])),
  less: (g) =>
    g.rnd() < 0.5
      ? operator('less', '<', g.int(-5, 5), g.int(-5, 5))
      : operator('less', '<', g.word(3), g.word(3)),
  greaterOrEquals: (g) => operator('greaterOrEquals', '>=', g.word(3), g.word(3)),
  and: (g) => operator('and', '&&', g.rnd() < 0.5, g.rnd() < 0.5),
  or: (g) => operator('or', '||', g.rnd() < 0.5, g.rnd() < 0.5),
  coalesce: (g) => {
    const v = g.scalar();
    return {
      fn: 'coalesce',
      bicep: `(null ?? ${bicepLiteral(v)})`,
      arm: `coalesce(null(), ${armLiteral(v)})`,
    };
  },
  json: (g) => call('json', [JSON.stringify(g.object())]),
  parseCidr: (g) => call('parseCidr', [`${g.ipv4()}/${g.int(8, 32)}`]),
  cidrSubnet: (g) => {
    const prefix = g.int(8, 24);
    const next = g.int(prefix, 30);
    return call('cidrSubnet', [
      `${g.ipv4()}/${prefix}`,
      next,
      g.int(0, Math.min(2 ** (next - prefix) - 1, 50)),
    ]);
  },
  cidrHost: (g) => {
    const prefix = g.int(16, 30);
    return call('cidrHost', [`${g.ipv4()}/${prefix}`, g.int(0, Math.min(2 ** (32 - prefix) - 3, 300))]);
  },
  cidrIpv6: (g) => ({
    ...call('cidrSubnet', [`fd${g.int(10, 99)}:${g.int(0, 9999)}::/48`, 64, g.int(0, 300)]),
    fn: 'cidrSubnet',
  }),
  dateTimeAdd: (g) =>
    call('dateTimeAdd', [
      `20${g.int(10, 40)}-0${g.int(1, 9)}-1${g.int(0, 9)}T0${g.int(0, 9)}:30:00Z`,
      g.pick(['P1D', 'PT1H', '-P3D', 'P1M', 'P1Y', 'PT90M', 'P2W']),
    ]),
  dateTimeToEpoch: (g) =>
    call('dateTimeToEpoch', [`20${g.int(10, 40)}-1${g.int(0, 2)}-0${g.int(1, 9)}T12:00:0${g.int(0, 9)}Z`]),
  dateTimeFromEpoch: (g) => call('dateTimeFromEpoch', [g.int(0, 2000000000)]),
  map: (g) => {
    const v = g.ints();
    return {
      fn: 'map',
      bicep: `map(${bicepLiteral(v)}, (x, i) => x * 2 + i)`,
      arm: `map(${armLiteral(v)}, lambda('x', 'i', add(mul(lambdaVariables('x'), 2), lambdaVariables('i'))))`,
    };
  },
  filter: (g) => {
    const v = g.ints();
    return {
      fn: 'filter',
      bicep: `filter(${bicepLiteral(v)}, x => x > 0)`,
      arm: `filter(${armLiteral(v)}, lambda('x', greater(lambdaVariables('x'), 0)))`,
    };
  },
  reduce: (g) => {
    const v = g.ints();
    return {
      fn: 'reduce',
      bicep: `reduce(${bicepLiteral(v)}, 1, (a, x) => a + x)`,
      arm: `reduce(${armLiteral(v)}, 1, lambda('a', 'x', add(lambdaVariables('a'), lambdaVariables('x'))))`,
    };
  },
  sort: (g) => {
    const v = g.words();
    return {
      fn: 'sort',
      bicep: `sort(${bicepLiteral(v)}, (a, b) => a < b)`,
      arm: `sort(${armLiteral(v)}, lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))`,
    };
  },
  toObject: (g) => {
    const v = g.words();
    return {
      fn: 'toObject',
      bicep: `toObject(${bicepLiteral(v)}, x => 'k\${x}')`,
      arm: `toObject(${armLiteral(v)}, lambda('x', format('k{0}', lambdaVariables('x'))))`,
    };
  },
  groupBy: (g) => {
    const v = g.ints();
    return {
      fn: 'groupBy',
      bicep: `groupBy(${bicepLiteral(v)}, x => string(x % 3))`,
      arm: `groupBy(${armLiteral(v)}, lambda('x', string(mod(lambdaVariables('x'), 3))))`,
    };
  },
  mapValues: (g) => {
    const o = { a: g.int(0, 9), b: g.int(0, 9) };
    return {
      fn: 'mapValues',
      bicep: `mapValues(${bicepLiteral(o)}, v => v * 10)`,
      arm: `mapValues(${armLiteral(o)}, lambda('v', mul(lambdaVariables('v'), 10)))`,
    };
  },
  shallowMerge: (g) => call('shallowMerge', [[g.object(), g.object()]]),
  if: (g) => {
    const c = g.rnd() < 0.5;
    const a = g.scalar();
    const b = g.scalar();
    return {
      fn: 'if',
      bicep: `(${c} ? ${bicepLiteral(a)} : ${bicepLiteral(b)})`,
      arm: `if(${armLiteral(c)}, ${armLiteral(a)}, ${armLiteral(b)})`,
    };
  },
  not: (g) => {
    const b = g.rnd() < 0.5;
    return { fn: 'not', bicep: `!${b}`, arm: `not(${armLiteral(b)})` };
  },
  array: (g) => call('array', [g.scalar()]),
  createObjectAccess: (g) => {
    const o = g.object();
    const k = g.key();
    return { fn: 'tryGet', bicep: `${bicepLiteral(o)}[?'${k}']`, arm: `tryGet(${armLiteral(o)}, '${k}')` };
  },
  jsonSingleQuoted: (g) => ({
    ...call('json', [`{'${g.key()}': '${g.word(6).replace(/'/g, '')}', "n": ${g.int(0, 9)}}`]),
    fn: 'json',
  }),
  indexFromEnd: (g) => {
    const v = g.ints();
    const i = g.int(1, v.length);
    return {
      fn: 'indexFromEnd',
      bicep: `${bicepLiteral(v)}[^${i}]`,
      arm: `indexFromEnd(${armLiteral(v)}, ${i})`,
    };
  },
  tryIndexFromEnd: (g) => {
    const v = g.ints();
    const i = g.int(1, v.length + 2);
    return {
      fn: 'tryIndexFromEnd',
      bicep: `(${bicepLiteral(v)}[?^${i}] ?? -999)`,
      arm: `coalesce(tryIndexFromEnd(${armLiteral(v)}, ${i}), -999)`,
    };
  },
  uri: (g) =>
    call('uri', [
      `https://${g.pick(['a.example', 'x.test'])}/${g.pick(['', 'p/', 'p/q', 'p/q/'])}`,
      g.pick(['r', 'r/s?t=1', '/abs', '../up']),
    ]),
  uriComponentToString: (g) => {
    const w = g.word(10);
    return {
      fn: 'uriComponentToString',
      bicep: `uriComponentToString(uriComponent(${bicepLiteral(w)}))`,
      arm: `uriComponentToString(uriComponent(${armLiteral(w)}))`,
    };
  },
  dataUriToString: (g) => {
    const w = g.word(10);
    return {
      fn: 'dataUriToString',
      bicep: `dataUriToString(dataUri(${bicepLiteral(w)}))`,
      arm: `dataUriToString(dataUri(${armLiteral(w)}))`,
    };
  },
  base64ToJson: (g) => {
    const o = g.object();
    return {
      fn: 'base64ToJson',
      bicep: `base64ToJson(base64(string(${bicepLiteral(o)})))`,
      arm: `base64ToJson(base64(string(${armLiteral(o)})))`,
    };
  },
  arrayIndexOf: (g) => ({
    ...call(g.pick(['indexOf', 'lastIndexOf']), [
      [...g.array(0), ...g.array(0)],
      g.pick([g.scalar(), 'a', 1]),
    ]),
    fn: 'indexOf',
  }),
  createArray: (g) => ({ ...call('length', [g.array(2)]), fn: 'createArray' }),
  createObject: (g) => ({ ...call('string', [g.object(2)]), fn: 'createObject' }),
  greater: (g) => operator('greater', '>', g.int(-5, 5), g.int(-5, 5)),
  lessOrEquals: (g) => operator('lessOrEquals', '<=', g.word(2), g.word(2)),
  guidMany: (g) => ({ ...call('guid', [g.word(40), g.word(3), g.word(1), g.word(60)]), fn: 'guid' }),
  uniqueStringLong: (g) => ({ ...call('uniqueString', [g.word(64), g.word(64)]), fn: 'uniqueString' }),
  parseCidrAll: (g) => ({ ...call('parseCidr', [`${g.ipv4()}/${g.int(0, 32)}`]), fn: 'parseCidr' }),
  cidrHostEdge: (g) => ({
    ...call('cidrHost', [`${g.ipv4()}/${g.int(28, 32)}`, g.int(0, 16)]),
    fn: 'cidrHost',
  }),
  trueFalse: (g) => ({
    fn: g.rnd() < 0.5 ? 'true' : 'false',
    bicep: 'string([true, false])',
    arm: 'string(createArray(true(), false()))',
  }),
  null: () => ({ fn: 'null', bicep: 'string([null])', arm: 'string(createArray(null()))' }),
  range1000: (g) => {
    const text = `length(range(${g.int(-5, 5)}, ${g.pick([999, 1001, 10000, 10001])}))`;
    return { fn: 'range', bicep: text, arm: text };
  },
};

/** Generates `perFunction` cases for every generator, deterministically from `seed`. */
export function generateFunctionCases(seed: number, perFunction: number): FunctionCase[] {
  const g = new Gen(seededRandom(seed));
  return Object.values(GENERATORS).flatMap((make) => Array.from({ length: perFunction }, () => make(g)));
}
