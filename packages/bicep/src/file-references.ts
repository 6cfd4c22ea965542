import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** A file a Bicep source makes the compiler read, with the statement that names it. */
export interface BicepFileReference {
  /** The file that holds the statement. */
  from: string;
  /** The path as written (`../shared/network.bicep`). */
  path: string;
  /** Absolute, resolved against the referring file's folder as the compiler resolves it. */
  resolved: string;
}

/** Registry and template-spec modules are fetched, not read from disk. */
const remote = /^(?:br|ts)[:/]/i;

/** The source without comments and with every string's content kept, so a `//` in a URL is not a comment. */
function withoutComments(source: string): string {
  let out = '';
  for (let i = 0; i < source.length;) {
    if (source.startsWith("'''", i)) {
      const end = source.indexOf("'''", i + 3);
      const stop = end < 0 ? source.length : end + 3;
      out += source.slice(i, stop);
      i = stop;
    } else if (source[i] === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== "'" && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
    } else out += source[i++];
  }
  return out;
}

const literal = String.raw`'((?:[^'\\\n]|\\.)*)'`;
const statements = [
  new RegExp(String.raw`\busing\s+${literal}`, 'g'),
  new RegExp(String.raw`\bextends\s+${literal}`, 'g'),
  new RegExp(String.raw`\bmodule\s+\w+\s+${literal}`, 'g'),
  new RegExp(String.raw`\bimport\b[^'\n]*?\bfrom\s+${literal}`, 'g'),
  new RegExp(
    String.raw`\b(?:loadTextContent|loadJsonContent|loadYamlContent|loadFileAsBase64|loadDirectoryFileInfo)\s*\(\s*${literal}`,
    'g',
  ),
];

/** Bicep's escapes in a single-quoted string (`\\`, `\'`, `\$`, …) undone. */
function unescape(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

/** The files one Bicep source names, in the order it names them. */
export function bicepFileReferencesIn(file: string, source: string): BicepFileReference[] {
  const code = withoutComments(source);
  const found: BicepFileReference[] = [];
  for (const pattern of statements) {
    for (const match of code.matchAll(pattern)) {
      const path = unescape(match[1]!);
      if (remote.test(path)) continue;
      found.push({ from: file, path, resolved: resolve(dirname(file), path) });
    }
  }
  return found;
}

/**
 * Every local file that compiling `file` (a `.bicep` or `.bicepparam`) reads besides itself: the `using`
 * template, modules, imports and `extends` (followed into the `.bicep` and `.bicepparam` files they name), and
 * the files `load*Content()`, `loadFileAsBase64()` and `loadDirectoryFileInfo()` read. Lets a caller check
 * that a template inside the workspace does not pull a file from outside it into what is sent to Azure.
 */
export async function bicepFileReferences(file: string): Promise<BicepFileReference[]> {
  const seen = new Set<string>([resolve(file)]);
  const pending = [resolve(file)];
  const all: BicepFileReference[] = [];
  while (pending.length > 0) {
    const current = pending.shift()!;
    const source = await readFile(current, 'utf8').catch(() => undefined);
    if (source === undefined) continue;
    for (const reference of bicepFileReferencesIn(current, source)) {
      all.push(reference);
      if (/\.bicep(param)?$/i.test(reference.resolved) && !seen.has(reference.resolved)) {
        seen.add(reference.resolved);
        pending.push(reference.resolved);
      }
    }
  }
  return all;
}
