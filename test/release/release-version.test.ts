import { afterAll, describe, expect, it } from '@jest/globals';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  followingFiles,
  parseVersion,
  sourceVersion,
  versionDisagreements,
  versionOfTag,
  writeVersion,
} from '../../scripts/release/release-version.js';

// One version for the repository: package.json's, which every task.json and vss-extension.json follow, and the major
// of which the READMEs' `@v<major>` and `Azpn…@<major>` references name.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'azpn-release-version-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const read = (path: string) => readFileSync(path, 'utf8');

/** A copy of the files that carry the version, so the real ones are never touched. */
function versionedCopy(name: string): string {
  const copy = join(scratch, name);
  mkdirSync(join(copy, 'actions'), { recursive: true });
  for (const file of ['package.json', 'package-lock.json', 'vss-extension.json'])
    cpSync(join(root, file), join(copy, file));
  for (const action of readdirSync(join(root, 'actions'))) {
    mkdirSync(join(copy, 'actions', action));
    for (const file of ['task.json', 'action.yml'])
      if (existsSync(join(root, 'actions', action, file)))
        cpSync(join(root, 'actions', action, file), join(copy, 'actions', action, file));
  }
  return copy;
}

describe('the release version', () => {
  it('is the same in package.json, every task.json and vss-extension.json', () => {
    expect(parseVersion(sourceVersion(root))).toBeDefined();
    expect(versionDisagreements(root)).toEqual([]);
    expect(followingFiles(root).map((f) => f.path)).toEqual(
      expect.arrayContaining(['actions/deploy/task.json', 'actions/preview/task.json', 'vss-extension.json']),
    );
  });

  it('names each file that drifts, and prepare sets them all again without touching anything else', () => {
    const copy = versionedCopy('drift');
    const task = join(copy, 'actions', 'endpoint-dns', 'task.json');
    const original = read(task);
    writeFileSync(task, original.replace(/"Minor": \d+/, '"Minor": 7'));
    const extension = join(copy, 'vss-extension.json');
    writeFileSync(extension, read(extension).replace(/"version": "[^"]+"/, '"version": "9.9.9"'));
    const source = sourceVersion(copy);
    const drift = versionDisagreements(copy);
    expect(drift).toHaveLength(2);
    expect(drift[0]).toMatch(
      new RegExp(
        `^actions/endpoint-dns/task\\.json has version \\d+\\.7\\.\\d+ where package\\.json has ${source.replace(/\./g, '\\.')}: `,
      ),
    );
    expect(drift[1]).toMatch(/^vss-extension\.json has version 9\.9\.9 where/);

    const written = writeVersion(copy, { major: 1, minor: 2, patch: 3 });
    expect(written).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'vss-extension.json']),
    );
    expect(sourceVersion(copy)).toBe('1.2.3');
    expect(versionDisagreements(copy)).toEqual([]);
    const lock = JSON.parse(read(join(copy, 'package-lock.json'))) as {
      version: string;
      packages: Record<string, { version?: string }>;
    };
    expect([lock.version, lock.packages['']!.version]).toEqual(['1.2.3', '1.2.3']);
    // Only the version moved: the rest of the task manifest is as it was, byte for byte.
    const version = /"version": \{[^}]*\}/;
    expect(read(task).replace(version, '')).toBe(original.replace(version, ''));
    expect(JSON.parse(read(task)).version).toEqual({ Major: 1, Minor: 2, Patch: 3 });
  });

  it('refuses a source that is not a plain version', () => {
    const copy = versionedCopy('source');
    const manifest = join(copy, 'package.json');
    writeFileSync(manifest, read(manifest).replace(/"version": "[^"]+"/, '"version": "1.0.0-rc.1"'));
    expect(versionDisagreements(copy)).toEqual([
      "package.json has version '1.0.0-rc.1': give it MAJOR.MINOR.PATCH in numbers, the version every task and the extension carry.",
    ]);
  });

  it('is named by a release tag vMAJOR.MINOR.PATCH, in numbers only', () => {
    expect(versionOfTag('v0.1.0')).toEqual({ major: 0, minor: 1, patch: 0 });
    expect(versionOfTag('v12.0.31')).toEqual({ major: 12, minor: 0, patch: 31 });
    for (const tag of ['v0', '0.1.0', 'v1.0.0-rc.1', 'v01.2.3', 'v1.2'])
      expect(versionOfTag(tag)).toBe(
        `The tag '${tag}' is not a release tag: tag vMAJOR.MINOR.PATCH in numbers only (v1.2.3), as the Azure DevOps tasks and extension take no pre-release suffix.`,
      );
  });
});

describe('what users pin', () => {
  const major = parseVersion(sourceVersion(root))!.major;
  const manifest = JSON.parse(read(join(root, 'package.json'))) as { repository: { url: string } };
  const repository = /github\.com\/([^/]+\/[^/.]+)/.exec(manifest.repository.url)![1]!;
  const actions = readdirSync(join(root, 'actions'));
  const documents = [
    'README.md',
    'CONTRIBUTING.md',
    'RELEASING.md',
    ...actions.map((a) => `actions/${a}/README.md`),
    ...readdirSync(join(root, 'workflows-examples')).map((f) => `workflows-examples/${f}`),
  ];
  const text = (path: string) => (existsSync(join(root, path)) ? read(join(root, path)) : '');

  it("is package.json's repository, in every action reference the documents and examples show outside users", () => {
    expect(repository).toBe('azpn/private-networking');
    const references = documents.flatMap((path) =>
      [...text(path).matchAll(/uses: ([\w.-]+\/[\w.-]+)\/actions\/([\w-]+)@([\w.-]+)/g)].map((m) => ({
        path,
        repo: m[1],
        action: m[2],
        ref: m[3],
      })),
    );
    expect(references.length).toBeGreaterThanOrEqual(actions.length);
    expect(
      references.filter(
        (r) => r.repo !== repository || !actions.includes(r.action!) || r.ref !== `v${major}`,
      ),
    ).toEqual([]);
    // Every action is shown as users pin it at least once.
    expect(actions.filter((a) => !references.some((r) => r.action === a))).toEqual([]);
  });

  it('is the major version in every Azure DevOps task reference', () => {
    const tasks = actions
      .map((a) => join(root, 'actions', a, 'task.json'))
      .filter((path) => existsSync(path))
      .map((path) => JSON.parse(read(path)) as { name: string; version: { Major: number } });
    expect(tasks.every((t) => t.version.Major === major)).toBe(true);
    const names = new Set(tasks.map((t) => t.name));
    const references = documents.flatMap((path) =>
      [...text(path).matchAll(/\b(Azpn[A-Za-z]+)@(\d+)/g)].map((m) => ({
        path,
        task: m[1],
        major: Number(m[2]),
      })),
    );
    expect(references.length).toBeGreaterThan(tasks.length);
    expect(references.filter((r) => !names.has(r.task!) || r.major !== major)).toEqual([]);
  });
});
