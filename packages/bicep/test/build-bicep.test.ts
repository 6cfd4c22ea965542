import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(import.meta.url), '../../../..');

function buildBicep(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(repo, 'scripts/build-bicep.ts'), ...args],
      { cwd: repo },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, output: stdout + stderr }),
    );
  });
}

describe('npm run build:bicep', () => {
  let tree: string;

  beforeAll(async () => {
    tree = await mkdtemp(join(tmpdir(), 'azpn-build-bicep-'));
    await mkdir(join(tree, 'warned'));
    await mkdir(join(tree, 'clean'));
    await writeFile(join(tree, 'warned/main.bicep'), "param unused string = 'x'\noutput ok bool = true\n");
    await writeFile(join(tree, 'clean/main.bicep'), 'output ok bool = true\n');
  });

  afterAll(async () => {
    await rm(tree, { recursive: true, force: true });
  });

  it('compiles and lints the repository modules clean', async () => {
    const result = await buildBicep([]);
    expect(result.output).toContain('built    forwarder/main.bicep');
    expect(result.output).toContain('built    jumpbox/main.bicep');
    expect(result.output).toContain('built    forwarder/multi-port.bicepparam');
    expect(result.output).toMatch(/\d+ builds and \d+ files linted: no diagnostics\./);
    expect(result.code).toBe(0);
  });

  it('fails on a warning, naming file, line and rule, and writes nothing beside the sources', async () => {
    const result = await buildBicep(['--root', tree]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('warned/main.bicep:1:7 Warning no-unused-params');
    expect(result.output).toContain('1 diagnostics: fix them');
    expect((await readdir(tree, { recursive: true })).sort()).toEqual([
      'clean',
      'clean/main.bicep',
      'warned',
      'warned/main.bicep',
    ]);
  });
});
