import { ArmTemplateError } from '../errors.js';
import type { ExpressionNode } from './ast.js';
import { tokenize, type Token } from './lexer.js';

class ExpressionParser {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private fail(detail: string): never {
    const at = this.tokens[this.position]?.at ?? this.text.length;
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The template language expression '${this.text}' is not valid: ${detail} at position ${at}.`,
    );
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private isPunct(value: string, offset = 0): boolean {
    const token = this.tokens[this.position + offset];
    return token?.type === 'punct' && token.value === value;
  }

  private expect(value: string): void {
    if (!this.isPunct(value)) this.fail(`expected '${value}'`);
    this.position++;
  }

  parseWhole(): ExpressionNode {
    const node = this.parseExpression();
    if (this.position < this.tokens.length) this.fail('unexpected text after the expression');
    return node;
  }

  private parseExpression(): ExpressionNode {
    let node = this.parsePrimary();
    for (;;) {
      const safe = this.isPunct('?') && (this.isPunct('.', 1) || this.isPunct('[', 1));
      if (safe) this.position++;
      if (this.isPunct('.')) {
        this.position++;
        // Both `?.name` and Bicep's `.?name` read as null-forgiving access.
        if (this.isPunct('?')) {
          this.position++;
          node = this.propertyAfterDot(node, true);
          continue;
        }
        node = this.propertyAfterDot(node, safe);
      } else if (this.isPunct('[')) {
        this.position++;
        const index = this.parseExpression();
        this.expect(']');
        node = { kind: 'index', target: node, index, safe };
      } else {
        if (safe) this.fail('expected "." or "[" after "?"');
        return node;
      }
    }
  }

  private propertyAfterDot(target: ExpressionNode, safe: boolean): ExpressionNode {
    const name = this.peek();
    if (name?.type !== 'identifier') this.fail('expected a property name after "."');
    this.position++;
    return { kind: 'property', target, name: name.value, safe };
  }

  private parsePrimary(): ExpressionNode {
    const token = this.peek();
    if (!token) this.fail('the expression ends early');
    if (token.type === 'string' || token.type === 'number') {
      this.position++;
      return { kind: token.type, value: token.value } as ExpressionNode;
    }
    if (token.type !== 'identifier') this.fail(`unexpected '${token.value}'`);
    this.position++;
    let name = token.value;
    // User-defined functions are called as `namespace.member(...)`.
    if (this.isPunct('.') && this.tokens[this.position + 1]?.type === 'identifier' && this.isPunct('(', 2)) {
      name += `.${(this.tokens[this.position + 1] as { value: string }).value}`;
      this.position += 2;
    }
    if (!this.isPunct('(')) {
      const lower = name.toLowerCase();
      if (lower === 'true' || lower === 'false' || lower === 'null')
        return { kind: 'call', name: lower, args: [] };
      this.fail(`'${name}' must be a function call`);
    }
    this.position++;
    const args: ExpressionNode[] = [];
    if (!this.isPunct(')')) {
      for (;;) {
        args.push(this.parseExpression());
        if (this.isPunct(',')) {
          this.position++;
          continue;
        }
        break;
      }
    }
    this.expect(')');
    return { kind: 'call', name, args };
  }
}

const cache = new Map<string, ExpressionNode>();

/** Parses the inside of an ARM expression (the text between `[` and `]`). Results are cached by text. */
export function parseExpression(text: string): ExpressionNode {
  const cached = cache.get(text);
  if (cached) return cached;
  const node = new ExpressionParser(text, tokenize(text)).parseWhole();
  if (cache.size > 20000) cache.clear();
  cache.set(text, node);
  return node;
}

/** How a template string reads: a literal (with a `[[` escape undone) or an expression to evaluate. */
export type TemplateString = { literal: string } | { expression: string };

/** Classifies a JSON string from a template: `[...]` is an expression, `[[...` is an escaped literal. */
export function classifyTemplateString(value: string): TemplateString {
  if (value.startsWith('[[')) return { literal: value.slice(1) };
  if (value.startsWith('[') && value.endsWith(']')) return { expression: value.slice(1, -1) };
  return { literal: value };
}
