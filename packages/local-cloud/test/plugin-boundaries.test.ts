import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { builtInPlugins } from '../src/internal/providers.js';

const src = join(import.meta.dirname, '..', 'src');
const providersDir = join(src, 'internal', 'providers');

/** Every TypeScript file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The source's import graph: each file and the files it imports (`import`, `import type`, `export … from`). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(src)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const local = importedFiles.map((i) => i.fileName).filter((name) => name.startsWith('.'));
    graph.set(
      file,
      local.map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts'))),
    );
  }
  return graph;
}

/** The files reachable from `start` through imports, `start` excluded. */
function reachable(graph: Map<string, string[]>, start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.get(start) ?? [])];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...(graph.get(file) ?? []));
  }
  return seen;
}

const name = (file: string) => relative(src, file);
const providerOf = (file: string) =>
  file.startsWith(providersDir + '/') ? relative(providersDir, file).split('/')[0] : undefined;

describe('the plug-in boundaries, read from the import graph', () => {
  const graph = importGraph();

  it('has ARM core files, provider folders and imports to read (the graph is not empty)', () => {
    const arm = [...graph.keys()].filter((f) => name(f).startsWith('internal/arm/'));
    expect(arm.map(name)).toEqual(expect.arrayContaining(['internal/arm/arm-router.ts']));
    expect(graph.get(join(src, 'internal', 'providers.ts'))!.map(name)).toContain(
      'internal/providers/network/index.ts',
    );
  });

  it('lets no file of internal/arm/ reach a provider, directly or through another module', () => {
    const reaching = [...graph.keys()]
      .filter((f) => name(f).startsWith('internal/arm/'))
      .flatMap((f) => [...reachable(graph, f)].filter(providerOf).map((p) => `${name(f)} → ${name(p)}`));
    expect(reaching).toEqual([]);
  });

  it('lets no provider import another provider (what they share lives outside providers/)', () => {
    const crossing = [...graph.entries()].flatMap(([file, imports]) =>
      imports
        .filter((i) => providerOf(file) !== undefined && providerOf(i) !== undefined)
        .filter((i) => providerOf(i) !== providerOf(file))
        .map((i) => `${name(file)} → ${name(i)}`),
    );
    expect(crossing).toEqual([]);
  });

  it('has no import cycle anywhere in the source', () => {
    const cyclic = [...graph.keys()].filter((f) => reachable(graph, f).has(f)).map(name);
    expect(cyclic).toEqual([]);
  });

  it('serves every provider folder: each exports one descriptor, and the built-in list holds it', async () => {
    const folders = readdirSync(providersDir, { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(folders.length).toBeGreaterThanOrEqual(5);
    for (const folder of folders) {
      const exported = Object.values(
        (await import(join(providersDir, folder.name, 'index.ts'))) as Record<string, unknown>,
      );
      expect(exported).toHaveLength(1);
      expect(builtInPlugins).toContain(exported[0]);
    }
    expect(new Set(builtInPlugins.map((p) => p.name)).size).toBe(builtInPlugins.length);
  });
});
