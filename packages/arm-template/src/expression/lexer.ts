import { ArmTemplateError } from '../errors.js';

/** One token of an ARM template expression. */
export type Token =
  | { type: 'string'; value: string; at: number }
  | { type: 'number'; value: number; at: number }
  | { type: 'identifier'; value: string; at: number }
  | { type: 'punct'; value: '(' | ')' | ',' | '.' | '[' | ']' | '?'; at: number };

const PUNCTUATION = new Set(['(', ')', ',', '.', '[', ']', '?']);

function invalid(text: string, at: number, detail: string): ArmTemplateError {
  return new ArmTemplateError(
    'InvalidTemplate',
    `The template language expression '${text}' is not valid: ${detail} at position ${at}.`,
  );
}

function readString(text: string, start: number): [string, number] {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw invalid(text, start, 'the string literal is not terminated');
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return [value, i + 1];
    }
    value += text[i];
    i++;
  }
}

/** Splits the inside of an ARM expression (without the brackets) into tokens. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      const [value, end] = readString(text, i);
      tokens.push({ type: 'string', value, at: i });
      i = end;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'number', value: Number(match[0]), at: i });
      i += match[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const match = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'identifier', value: match[0], at: i });
      i += match[0].length;
    } else if (PUNCTUATION.has(c)) {
      tokens.push({ type: 'punct', value: c as '(', at: i });
      i++;
    } else {
      throw invalid(text, i, `the character '${c}' is not expected`);
    }
  }
  return tokens;
}
