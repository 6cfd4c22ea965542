import { ExpressionError } from './evaluate.js';

/** Where each `${{ … }}` of a text starts and ends, skipping `}}` inside quoted strings. */
export function expressionSpans(text: string): { start: number; end: number; inner: string }[] {
  const spans: { start: number; end: number; inner: string }[] = [];
  let from = 0;
  for (let start = text.indexOf('${{', from); start >= 0; start = text.indexOf('${{', from)) {
    let quoted = false;
    let end = -1;
    for (let i = start + 3; i < text.length; i++) {
      if (text[i] === "'") quoted = !quoted;
      else if (!quoted && text.startsWith('}}', i)) {
        end = i + 2;
        break;
      }
    }
    if (end < 0)
      throw new ExpressionError(`"${text.slice(start, start + 60)}" opens \${{ without closing }}.`);
    spans.push({ start, end, inner: text.slice(start + 3, end - 2) });
    from = end;
  }
  return spans;
}
