/**
 * ARM reads request bodies with a lenient JSON reader (Json.NET): comments, unquoted property names and trailing
 * commas are accepted. Clients rely on it: azure-cli splices a deployment's template into the body as
 * `, template:{…}` with the key unquoted and the template text as the user wrote it, comments included (JSONC).
 */

const identifierStart = /[A-Za-z_$]/;
const identifierPart = /[A-Za-z0-9_$]/;

/** The index of the first character at or after `from` that is neither whitespace nor inside a comment. */
function significant(text: string, from: number): number {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else {
      return i;
    }
  }
}

/** Rewrites Json.NET-accepted text into strict JSON: drops comments and trailing commas, quotes bare names. */
function strictify(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (text.startsWith('//', i) || text.startsWith('/*', i)) {
      out += ' ';
      i = significant(text, i);
    } else if (c === ',') {
      const next = text[significant(text, i + 1)];
      if (next !== '}' && next !== ']') out += c;
      i++;
    } else if (identifierStart.test(c)) {
      let j = i + 1;
      while (j < text.length && identifierPart.test(text[j]!)) j++;
      const word = text.slice(i, j);
      out += text[significant(text, j)] === ':' ? JSON.stringify(word) : word;
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Parses a request body as ARM does: strict JSON first, then the lenient forms; throws when neither parses. */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return JSON.parse(strictify(text)) as unknown;
  }
}
