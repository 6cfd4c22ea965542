/**
 * Builds every action's committed bundles with ncc, or with `--check` rebuilds them in memory and fails
 * on any difference from what is committed (so a stale dist/ can never land).
 *
 *   src/github.ts      -> dist/github/index.js        src/ado.ts      -> dist/ado/index.js
 *   src/github-post.ts -> dist/github/post.js         src/ado-post.ts -> dist/ado/post.js
 *
 *   npm run build:dist                      rebuild every actions/<name>/dist
 *   npm run check-dist [-- --action DIR [--dist DIR]]
 *                                           fail when a committed dist (or DIR) differs from a fresh build
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = [
  ['github.ts', 'github/index.js'],
  ['github-post.ts', 'github/post.js'],
  ['ado.ts', 'ado/index.js'],
  ['ado-post.ts', 'ado/post.js'],
] as const;

type Files = Map<string, string | Buffer>;

async function bundle(entry: string): Promise<{ code: string; assets: Files }> {
  const result = await ncc(entry, {
    transpileOnly: true,
    target: 'es2023',
    quiet: true,
    sourceMap: false,
    minify: false,
  });
  const assets: Files = new Map();
  for (const [name, asset] of Object.entries(result.assets ?? {})) assets.set(name, asset.source);
  return { code: result.code, assets };
}

/** Everything an action's dist/ should hold, keyed by path relative to dist/. */
export async function expectedDist(actionDir: string): Promise<Files> {
  const files: Files = new Map();
  for (const [source, target] of ENTRIES) {
    const entry = join(actionDir, 'src', source);
    if (!existsSync(entry)) continue;
    const { code, assets } = await bundle(entry);
    const folder = dirname(target);
    files.set(target, code);
    for (const [name, content] of assets) {
      const path = join(folder, name);
      const earlier = files.get(path);
      // Two entries sharing a folder must not overwrite each other's chunks with different code.
      if (earlier !== undefined && !Buffer.from(earlier).equals(Buffer.from(content))) {
        throw new Error(
          `${relative(root, entry)} emits ${path}, which another entry of the same folder emits differently`,
        );
      }
      files.set(path, content);
    }
  }
  return files;
}

function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name), base) : [relative(base, join(dir, entry.name))],
  );
}

/** Paths whose committed content differs from a fresh build, or that exist on one side only. */
export function diffDist(distDir: string, expected: Files): string[] {
  const differences: string[] = [];
  const actual = new Set(listFiles(distDir));
  for (const [path, content] of expected) {
    const file = join(distDir, path);
    if (!actual.has(path)) differences.push(`${path} (missing)`);
    else if (!readFileSync(file).equals(Buffer.from(content))) differences.push(`${path} (differs)`);
    actual.delete(path);
  }
  for (const path of actual) differences.push(`${path} (not produced by the build)`);
  return differences;
}

function actionDirs(): string[] {
  const actions = join(root, 'actions');
  return readdirSync(actions)
    .map((name) => join(actions, name))
    .filter((dir) => existsSync(join(dir, 'src')));
}

async function main(check: boolean, only: string[], distOverride: string | undefined): Promise<number> {
  let stale = 0;
  for (const dir of only.length > 0 ? only : actionDirs()) {
    const expected = await expectedDist(dir);
    const dist = distOverride ?? join(dir, 'dist');
    const name = relative(root, dir);
    if (check) {
      const differences = diffDist(dist, expected);
      stale += differences.length;
      for (const d of differences) console.error(`${relative(root, dist)}/${d}`);
      if (differences.length === 0) console.log(`${name}/dist is up to date (${expected.size} files)`);
      continue;
    }
    rmSync(dist, { recursive: true, force: true });
    for (const [path, content] of expected) {
      mkdirSync(dirname(join(dist, path)), { recursive: true });
      writeFileSync(join(dist, path), content);
    }
    console.log(`${name}/dist: wrote ${expected.size} files`);
  }
  if (stale > 0)
    console.error(`dist/ is stale in ${stale} place(s): run \`npm run build:dist\` and commit the result.`);
  return stale > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const valuesOf = (flag: string) => args.flatMap((arg, i) => (args[i - 1] === flag ? [resolve(arg)] : []));
  const [only, dist] = [valuesOf('--action'), valuesOf('--dist')[0]];
  if (dist && only.length !== 1)
    throw new Error('--dist compares one action: give exactly one --action with it.');
  process.exitCode = await main(args.includes('--check'), only, dist);
}
