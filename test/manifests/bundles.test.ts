import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, exportedNames, type BundleOptions } from '../../scripts/bundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entries = readdirSync(join(root, 'actions'))
  .filter((name) => existsSync(join(root, 'actions', name, 'action.yml')))
  .flatMap((action) => ['github', 'ado'].map((platform) => `${action}/${platform}`));
const entryFile = (name: string) =>
  join(root, 'actions', name.split('/')[0]!, 'src', `${name.split('/')[1]}.ts`);

type Built = Map<string, Awaited<ReturnType<typeof bundle>>>;

async function buildAll(options: BundleOptions = {}): Promise<Built> {
  const built: Built = new Map();
  for (const name of entries) built.set(name, await bundle(entryFile(name), options));
  return built;
}

/** Every bundle built from `file` as it is on disk with `from` replaced by `to` (which must occur in it). */
function withEdit(file: string, from: string, to: string): Promise<Built> {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  return buildAll({ sources: { [path]: text.replace(from, to) } });
}

/** How many bytes of `after` differ from `before`, after their common start and end. */
function changedSpan(before: string, after: string): number {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before.at(-1 - end) === after.at(-1 - end)
  )
    end++;
  return Math.max(before.length, after.length) - start - end;
}

const packagesOf = (inputs: Record<string, number>) =>
  new Set(Object.keys(inputs).flatMap((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? []));

let built: Built;
beforeAll(async () => {
  built = await buildAll();
});

describe('the bundles', () => {
  it('are the same bytes when built again from the same sources, and hold no path of this checkout', async () => {
    const again = await buildAll();
    for (const name of entries) {
      expect([name, again.get(name)?.code === built.get(name)?.code]).toEqual([name, true]);
      expect([name, again.get(name)?.chunks]).toEqual([name, built.get(name)?.chunks]);
      for (const text of [built.get(name)!.code, ...Object.values(built.get(name)!.chunks)])
        expect([name, text.includes(root)]).toEqual([name, false]);
    }
  });

  it('carry only what their steps call', () => {
    for (const name of entries) {
      const packages = packagesOf(built.get(name)!.inputs);
      // The adapters speak the runner's and the agent's protocols themselves; jsonwebtoken is stubbed; no step
      // calls the network client (endpoint-dns reads two network resources as generic ones).
      for (const absent of [
        '@actions/core',
        'azure-pipelines-task-lib',
        'jsonwebtoken',
        '@azure/arm-network',
      ])
        expect([name, packages.has(absent)]).toEqual([name, false]);
      // Node has its own undici: a second one may come only with a client that needs it (@actions/github's).
      if (packages.has('undici')) expect([name, packages.has('@actions/github')]).toEqual([name, true]);
      // Reading the FormData global loads Node's bundled undici: the SDK's test is rewritten to not read it (the
      // undici package that @actions/github brings defines a FormData class of its own, which reads no global).
      expect([
        name,
        /typeof FormData\b|instanceof FormData\b|globalThis\.FormData\b/.test(built.get(name)!.code),
      ]).toEqual([name, false]);
      // Each platform's bundle has its own adapter only.
      const adapters = Object.keys(built.get(name)!.inputs).filter((p) =>
        /core\/src\/adapters\/(ado|github)\.ts$/.test(p),
      );
      expect([name, adapters]).toEqual([name, [`packages/core/src/adapters/${name.split('/')[1]}.ts`]]);
    }
    // Each platform's code-host client only in its own platform's bundles, and of azure-devops-node-api only the
    // API clients a step calls.
    for (const name of entries) {
      const packages = packagesOf(built.get(name)!.inputs);
      const other = name.endsWith('/github') ? 'azure-devops-node-api' : '@actions/github';
      expect([name, packages.has(other)]).toEqual([name, false]);
      const devOpsClients = Object.keys(built.get(name)!.inputs)
        .map((path) => /azure-devops-node-api\/(\w+Api)\.js$/.exec(path)?.[1])
        .filter((client) => client !== undefined);
      for (const client of devOpsClients)
        expect([name, client]).toEqual([
          name,
          expect.stringMatching(/^(Web|Git|WorkItemTracking|Locations)Api$/),
        ]);
    }
    expect(packagesOf(built.get('preview/ado')!.inputs).has('azure-devops-node-api')).toBe(true);
    // A code host's client is loaded on its first call, from a chunk: the bundle every run reads and compiles
    // holds none of it.
    for (const name of entries)
      for (const client of ['@actions/github', 'undici', 'azure-devops-node-api'])
        expect([name, client, packagesOf(built.get(name)!.entryInputs).has(client)]).toEqual([
          name,
          client,
          false,
        ]);
    expect(packagesOf(built.get('drift-check/github')!.inputs).has('@actions/github')).toBe(true);
    const deploy = packagesOf(built.get('deploy/github')!.inputs);
    for (const absent of ['@azure/arm-containerinstance', '@azure/arm-privatedns', 'ws'])
      expect(deploy.has(absent)).toBe(false);
    expect(deploy.has('@azure/arm-resourcesdeployments')).toBe(true);
    // The sample resolves a cloud and signs in nowhere: no credential, no SDK client.
    for (const absent of ['@azure/identity', '@azure/msal-node', '@azure/core-client', 'yaml', 'ajv'])
      expect(packagesOf(built.get('sample/github')!.inputs).has(absent)).toBe(false);
  });

  it('load chunks that offer the names their importers take (a chunk of a CommonJS package alone offers none)', () => {
    for (const name of entries) {
      const { code, chunks } = built.get(name)!;
      for (const [text, from] of [
        [code, 'action.js'],
        ...Object.entries(chunks).map(([p, c]) => [c, p]),
      ] as const)
        for (const [, path] of text.matchAll(/import\("\.\/(?:chunks\/)?([\w-]+\.js)"\)/g)) {
          const chunk = chunks[`chunks/${path}`];
          expect([name, from, path, chunk !== undefined]).toEqual([name, from, path, true]);
          // The other platform's client is left out on purpose (a chunk of a few hundred bytes that says so): it
          // offers nothing, and its importer never runs.
          if (chunk!.length < 2048 && chunk!.includes('is not part of this bundle')) continue;
          const defaultOnly = /export default [\w$]+\(\);/.test(chunk!) && exportedNames(chunk!).length === 0;
          expect([name, from, path, defaultOnly]).toEqual([name, from, path, false]);
        }
    }
  });

  it('carry a validator compiled at build time for every exported schema of their sources', () => {
    const attached = (code: string) => code.split('Symbol.for("azpn.compiledValidator")').length - 2;
    for (const name of entries) {
      const sources = Object.keys(built.get(name)!.inputs).filter((path) =>
        /^(actions|packages)\/.*\.ts$/.test(path),
      );
      const schemas = sources.flatMap((path) => [
        ...readFileSync(join(root, path), 'utf8').matchAll(/^export const \w+Schema\b/gm),
      ]);
      // One Symbol.for is the key's own definition in @azpn/core/structured-inputs, when the bundle has it.
      if (schemas.length > 0) expect([name, attached(built.get(name)!.code)]).toEqual([name, schemas.length]);
    }
    expect(attached(built.get('jumpbox-probe/github')!.code)).toBe(2);
  });

  it("change, after an edit of one action's source, in that action's bundles only, where the edit is", async () => {
    const edited = await withEdit(
      'actions/endpoint-dns/src/endpoint-addresses.ts',
      'has no network interface yet, so',
      'has no network interface yet; so',
    );
    const changed = entries.filter((name) => edited.get(name)?.code !== built.get(name)?.code);
    expect(changed).toEqual(['endpoint-dns/github', 'endpoint-dns/ado']);
    for (const name of changed) expect(changedSpan(built.get(name)!.code, edited.get(name)!.code)).toBe(1);
  });

  it("change, after an edit of a package's source, in the bundles that include it only, where the edit is", async () => {
    const file = 'packages/core/src/progress.ts';
    const edited = await withEdit(file, '${seconds.toFixed(1)}s`', '${seconds.toFixed(1)} s`');
    const including = entries.filter((name) => file in built.get(name)!.inputs);
    expect(including.length).toBeGreaterThan(0);
    expect(including.length).toBeLessThan(entries.length);
    const changed = entries.filter((name) => edited.get(name)?.code !== built.get(name)?.code);
    expect(changed).toEqual(including);
    for (const name of changed) expect(changedSpan(built.get(name)!.code, edited.get(name)!.code)).toBe(1);
  });
});
