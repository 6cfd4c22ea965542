/**
 * The expression syntax GitHub Actions and Azure Pipelines share (the GitHub runner grew out of the Azure
 * Pipelines agent, and both keep its grammar): literals, context names with `.name`, `['name']` and `.*`
 * access, function calls, and GitHub's operators `!`, `<`, `<=`, `>`, `>=`, `==`, `!=`, `&&`, `||`.
 */

/** A parsed expression. */
export type Expression =
  | { kind: 'literal'; value: null | boolean | number | string }
  | { kind: 'context'; name: string }
  | { kind: 'property'; object: Expression; name: string }
  | { kind: 'index'; object: Expression; index: Expression }
  | { kind: 'filter'; object: Expression }
  | { kind: 'call'; name: string; args: Expression[] }
  | { kind: 'not'; operand: Expression }
  | { kind: 'binary'; operator: BinaryOperator; left: Expression; right: Expression };

export type BinaryOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'name'; value: string }
  | { kind: 'punct'; value: string };

/** An expression that cannot be read, with the text and the position that stopped the reader. */
export class ExpressionSyntaxError extends Error {
  constructor(text: string, detail: string) {
    super(`The expression "${text}" cannot be read: ${detail}; fix the expression in the workflow.`);
    this.name = 'ExpressionSyntaxError';
  }
}

const punctuation = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', ',', '.', '*'];

function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] !== "'") {
      value += text[i];
      continue;
    }
    if (text[i + 1] === "'") {
      value += "'";
      i++;
      continue;
    }
    return { value, end: i + 1 };
  }
  throw new ExpressionSyntaxError(text, 'a string is not closed with a single quote');
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest[0] === "'") {
      const read = readString(text, i);
      tokens.push({ kind: 'string', value: read.value });
      i = read.end;
      continue;
    }
    const number = /^-?(0x[0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(rest);
    const previous = tokens[tokens.length - 1];
    const afterAccess = previous?.kind === 'punct' && previous.value === '.';
    if (number && !afterAccess) {
      tokens.push({ kind: 'number', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest) ?? (afterAccess ? /^[A-Za-z0-9_-]+/.exec(rest) : null);
    if (name) {
      tokens.push({ kind: 'name', value: name[0] });
      i += name[0].length;
      continue;
    }
    const punct = punctuation.find((p) => rest.startsWith(p));
    if (!punct) throw new ExpressionSyntaxError(text, `unexpected character "${rest[0]}" at ${i + 1}`);
    tokens.push({ kind: 'punct', value: punct });
    i += punct.length;
  }
  return tokens;
}

/** A recursive-descent reader over the tokens, lowest precedence first. */
class Parser {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Expression {
    const expression = this.or();
    const left = this.tokens[this.position];
    if (left) this.fail(`unexpected "${String(left.value)}" after a complete expression`);
    return expression;
  }

  private fail(detail: string): never {
    throw new ExpressionSyntaxError(this.text, detail);
  }

  private peekPunct(...values: string[]): string | undefined {
    const token = this.tokens[this.position];
    return token?.kind === 'punct' && values.includes(token.value) ? token.value : undefined;
  }

  private expect(value: string): void {
    if (!this.peekPunct(value)) this.fail(`"${value}" expected`);
    this.position++;
  }

  private binary(next: () => Expression, operators: BinaryOperator[]): Expression {
    let left = next();
    for (let op = this.peekPunct(...operators); op; op = this.peekPunct(...operators)) {
      this.position++;
      left = { kind: 'binary', operator: op as BinaryOperator, left, right: next() };
    }
    return left;
  }

  private or = (): Expression => this.binary(this.and, ['||']);
  private and = (): Expression => this.binary(this.equality, ['&&']);
  private equality = (): Expression => this.binary(this.comparison, ['==', '!=']);
  private comparison = (): Expression => this.binary(this.unary, ['<', '<=', '>', '>=']);

  private unary = (): Expression => {
    if (this.peekPunct('!')) {
      this.position++;
      return { kind: 'not', operand: this.unary() };
    }
    return this.postfix(this.primary());
  };

  private postfix(start: Expression): Expression {
    let expression = start;
    for (;;) {
      if (this.peekPunct('.')) {
        this.position++;
        if (this.peekPunct('*')) {
          this.position++;
          expression = { kind: 'filter', object: expression };
          continue;
        }
        const token = this.tokens[this.position++];
        if (token?.kind !== 'name') this.fail('a property name expected after "."');
        expression = { kind: 'property', object: expression, name: token.value };
      } else if (this.peekPunct('[')) {
        this.position++;
        const index = this.peekPunct('*') ? undefined : this.or();
        if (index === undefined) this.position++;
        this.expect(']');
        expression = index
          ? { kind: 'index', object: expression, index }
          : { kind: 'filter', object: expression };
      } else {
        return expression;
      }
    }
  }

  private primary(): Expression {
    const token = this.tokens[this.position++];
    if (!token) this.fail('the expression ends too early');
    if (token.kind === 'number' || token.kind === 'string') return { kind: 'literal', value: token.value };
    if (token.kind === 'punct') {
      if (token.value !== '(') this.fail(`unexpected "${token.value}"`);
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    const keyword = token.value.toLowerCase();
    if (keyword === 'true' || keyword === 'false') return { kind: 'literal', value: keyword === 'true' };
    if (keyword === 'null') return { kind: 'literal', value: null };
    if (!this.peekPunct('(')) return { kind: 'context', name: token.value };
    this.position++;
    const args: Expression[] = [];
    if (!this.peekPunct(')')) {
      args.push(this.or());
      while (this.peekPunct(',')) {
        this.position++;
        args.push(this.or());
      }
    }
    this.expect(')');
    return { kind: 'call', name: token.value, args };
  }
}

/** Parses one expression (the text between `${{` and `}}`, or an `if:`/`condition:` value). */
export function parseExpression(text: string): Expression {
  if (text.trim() === '') throw new ExpressionSyntaxError(text, 'it is empty');
  return new Parser(text, tokenize(text)).parse();
}

/** Whether the expression calls any of `names` (case-insensitive) anywhere. */
export function callsAny(expression: Expression, names: string[]): boolean {
  const lower = names.map((n) => n.toLowerCase());
  const visit = (e: Expression): boolean => {
    switch (e.kind) {
      case 'call':
        return lower.includes(e.name.toLowerCase()) || e.args.some(visit);
      case 'property':
      case 'filter':
        return visit(e.object);
      case 'index':
        return visit(e.object) || visit(e.index);
      case 'not':
        return visit(e.operand);
      case 'binary':
        return visit(e.left) || visit(e.right);
      default:
        return false;
    }
  };
  return visit(expression);
}
