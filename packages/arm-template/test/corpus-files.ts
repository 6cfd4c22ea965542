import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every `.bicepparam` file under `root` (none when `root` does not exist), skipping hidden folders. */
export function findParamFiles(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(root, entry);
    if (entry.startsWith('.') || entry === 'node_modules') return [];
    if (statSync(path).isDirectory()) return findParamFiles(path);
    return entry.endsWith('.bicepparam') ? [path] : [];
  });
}
