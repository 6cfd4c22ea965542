/**
 * WIQL, the Work Item Query Language, as far as finding work items by their fields needs it: `SELECT [fields] FROM
 * WorkItems WHERE … ORDER BY …`, conditions joined by AND and OR with parentheses, the operators `=`, `<>`, `<`,
 * `>`, `<=`, `>=`, `CONTAINS`, `CONTAINS WORDS`, `IN (…)`, `UNDER` (each negatable with `NOT` where WIQL allows it),
 * string and number literals and the `@project` macro. Text compares without regard to case, and `CONTAINS` on
 * `System.Tags` means "has the tag", as in Azure DevOps.
 */
import { fieldNamed } from './work-item-fields.js';

/** A refusal of the query, in Azure DevOps' words. */
export class WiqlError extends Error {}

type Token = { kind: 'field' | 'string' | 'number' | 'macro' | 'word' | 'symbol'; text: string };

function tokenise(query: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:\[([^\]]+)\]|'((?:[^']|'')*)'|"((?:[^"]|"")*)"|(-?\d+(?:\.\d+)?)|(@\w+)|(<>|<=|>=|[=<>(),])|([A-Za-z_][\w.]*))/y;
  let at = 0;
  while (at < query.length) {
    if (/^\s*$/.test(query.slice(at))) break;
    pattern.lastIndex = at;
    const m = pattern.exec(query);
    if (m === null)
      throw new WiqlError(
        `TF51006: The query statement is not valid. The error is caused by «${query.slice(at).trim().slice(0, 20)}».`,
      );
    at = pattern.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'field', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'string', text: m[2].replaceAll("''", "'") });
    else if (m[3] !== undefined) tokens.push({ kind: 'string', text: m[3].replaceAll('""', '"') });
    else if (m[4] !== undefined) tokens.push({ kind: 'number', text: m[4] });
    else if (m[5] !== undefined) tokens.push({ kind: 'macro', text: m[5] });
    else if (m[6] !== undefined) tokens.push({ kind: 'symbol', text: m[6] });
    else tokens.push({ kind: 'word', text: m[7]! });
  }
  return tokens;
}

/** A WHERE clause as a tree. */
export type Condition =
  | { kind: 'and' | 'or'; parts: Condition[] }
  | { kind: 'compare'; field: string; operator: string; negated: boolean; values: (string | number)[] };

/** A parsed query. */
export interface ParsedWiql {
  fields: string[];
  where?: Condition;
  orderBy: { field: string; descending: boolean }[];
}

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly macros: Record<string, string>,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }
  private isWord(word: string, offset = 0): boolean {
    const t = this.tokens[this.at + offset];
    return t !== undefined && t.kind === 'word' && t.text.toUpperCase() === word;
  }
  private fail(expected: string): never {
    const t = this.peek();
    throw new WiqlError(
      `TF51006: Expecting ${expected}. The error is caused by «${t?.text ?? 'the end of the query'}».`,
    );
  }
  private expectWord(word: string): void {
    if (!this.isWord(word)) this.fail(word);
    this.at++;
  }
  private expectSymbol(symbol: string): void {
    const t = this.peek();
    if (t?.kind !== 'symbol' || t.text !== symbol) this.fail(`'${symbol}'`);
    this.at++;
  }
  private field(): string {
    const t = this.peek();
    if (t === undefined || (t.kind !== 'field' && t.kind !== 'word')) this.fail('a field name');
    this.at++;
    const field = fieldNamed(t.text);
    if (field === undefined)
      throw new WiqlError(
        `TF51005: The query references a field that does not exist. The error is caused by «${t.text}».`,
      );
    return field;
  }

  query(): ParsedWiql {
    this.expectWord('SELECT');
    const fields = [this.field()];
    while (this.peek()?.text === ',') {
      this.at++;
      fields.push(this.field());
    }
    this.expectWord('FROM');
    if (!this.isWord('WORKITEMS')) this.fail('WorkItems');
    this.at++;
    const where = this.isWord('WHERE') ? (this.at++, this.or()) : undefined;
    const orderBy: ParsedWiql['orderBy'] = [];
    if (this.isWord('ORDER')) {
      this.at++;
      this.expectWord('BY');
      do {
        if (orderBy.length > 0) this.at++;
        const field = this.field();
        const descending = this.isWord('DESC');
        if (descending || this.isWord('ASC')) this.at++;
        orderBy.push({ field, descending });
      } while (this.peek()?.text === ',');
    }
    if (this.peek() !== undefined) this.fail('the end of the query');
    return { fields, ...(where ? { where } : {}), orderBy };
  }

  private or(): Condition {
    const parts = [this.and()];
    while (this.isWord('OR')) {
      this.at++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'or', parts };
  }
  private and(): Condition {
    const parts = [this.primary()];
    while (this.isWord('AND')) {
      this.at++;
      parts.push(this.primary());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'and', parts };
  }
  private primary(): Condition {
    if (this.peek()?.text === '(') {
      this.at++;
      const inner = this.or();
      this.expectSymbol(')');
      return inner;
    }
    const field = this.field();
    const { operator, negated } = this.operator();
    const values = operator === 'IN' ? this.list() : [this.value()];
    return { kind: 'compare', field, operator, negated, values };
  }
  private operator(): { operator: string; negated: boolean } {
    const t = this.peek();
    if (t?.kind === 'symbol' && ['=', '<>', '<', '>', '<=', '>='].includes(t.text)) {
      this.at++;
      return { operator: t.text === '<>' ? '=' : t.text, negated: t.text === '<>' };
    }
    const negated = this.isWord('NOT');
    if (negated) this.at++;
    for (const operator of ['CONTAINS', 'IN', 'UNDER']) {
      if (!this.isWord(operator)) continue;
      this.at++;
      if (operator === 'CONTAINS' && this.isWord('WORDS')) {
        this.at++;
        return { operator: 'CONTAINS WORDS', negated };
      }
      return { operator, negated };
    }
    return this.fail('an operator');
  }
  private list(): (string | number)[] {
    this.expectSymbol('(');
    const values = [this.value()];
    while (this.peek()?.text === ',') {
      this.at++;
      values.push(this.value());
    }
    this.expectSymbol(')');
    return values;
  }
  private value(): string | number {
    const t = this.peek();
    if (t === undefined) return this.fail('a value');
    this.at++;
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'macro') {
      const value = this.macros[t.text.toLowerCase()];
      if (value === undefined)
        throw new WiqlError(`TF51011: The specified macro ${t.text} is not supported by this query.`);
      return value;
    }
    return this.fail('a value');
  }
}

/** Parses a query; `macros` gives the values of `@project` and the like (keys lower-case, with the `@`). */
export function parseWiql(query: string, macros: Record<string, string>): ParsedWiql {
  return new Parser(tokenise(query), macros).query();
}

const lower = (value: unknown) => String(value ?? '').toLowerCase();

function compareOne(field: string, operator: string, actual: unknown, expected: string | number): boolean {
  if (operator === 'CONTAINS' && field === 'System.Tags')
    return lower(actual)
      .split(';')
      .map((t) => t.trim())
      .includes(lower(expected));
  if (operator === 'CONTAINS') return lower(actual).includes(lower(expected));
  if (operator === 'CONTAINS WORDS')
    return new RegExp(`\\b${lower(expected).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(lower(actual));
  if (operator === 'UNDER')
    return lower(actual) === lower(expected) || lower(actual).startsWith(`${lower(expected)}\\`);
  if (operator === '=' || operator === 'IN')
    return typeof expected === 'number' ? Number(actual) === expected : lower(actual) === lower(expected);
  const [a, b] = typeof expected === 'number' ? [Number(actual), expected] : [lower(actual), lower(expected)];
  if (operator === '<') return a < b;
  if (operator === '>') return a > b;
  if (operator === '<=') return a <= b;
  return a >= b;
}

/** Whether a work item's fields satisfy the condition. */
export function satisfies(condition: Condition, fields: Record<string, unknown>): boolean {
  if (condition.kind === 'and') return condition.parts.every((p) => satisfies(p, fields));
  if (condition.kind === 'or') return condition.parts.some((p) => satisfies(p, fields));
  if (condition.kind !== 'compare') return false;
  const actual = fields[condition.field];
  const holds = condition.values.some((v) => compareOne(condition.field, condition.operator, actual, v));
  return holds !== condition.negated;
}
