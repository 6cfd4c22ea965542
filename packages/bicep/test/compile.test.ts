import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BicepCompileError,
  compileBicep,
  compileParams,
  findBicep,
  lintBicep,
  parseBicepDiagnostics,
  projectBicepPath,
  runBicep,
  type BicepCli,
  type BicepDiagnostic,
} from '../src/index.js';

let dir: string;
let cli: BicepCli;

const goodBicep = `param prefix string = 'fwd'
param unused string = 'x'

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: '\${prefix}.internal.net'
  location: 'global'
}

output zoneId string = zone.id
`;

const brokenBicep = `resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: 42
  location: 'global'
}
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'azpn-bicep-compile-'));
  await writeFile(join(dir, 'good.bicep'), goodBicep);
  await writeFile(join(dir, 'broken.bicep'), brokenBicep);
  await writeFile(join(dir, 'clean.bicep'), "output greeting string = 'hello'\n");
  await writeFile(join(dir, 'good.bicepparam'), "using 'good.bicep'\n\nparam prefix = 'preview-42'\n");
  cli = await findBicep();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('compileBicep with the real CLI', () => {
  it('compiles a good file to its ARM template and reports its warnings', async () => {
    const warnings: BicepDiagnostic[] = [];
    const template = await compileBicep(join(dir, 'good.bicep'), {
      cli,
      onDiagnostic: (d) => warnings.push(d),
    });
    expect(template.$schema).toMatch(/deploymentTemplate\.json#$/);
    const resources = template.resources as { type: string; name: string }[];
    expect(resources).toEqual([
      expect.objectContaining({
        type: 'Microsoft.Network/privateDnsZones',
        name: "[format('{0}.internal.net', parameters('prefix'))]",
      }),
    ]);
    expect(warnings).toEqual([
      expect.objectContaining({
        file: join(dir, 'good.bicep'),
        line: 2,
        column: 7,
        level: 'Warning',
        code: 'no-unused-params',
      }),
    ]);
  });

  it('rejects a broken file quoting file, line and BCP code', async () => {
    const error = await compileBicep(join(dir, 'broken.bicep'), { cli }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BicepCompileError);
    const compileError = error as BicepCompileError;
    expect(compileError.message).toContain(`${join(dir, 'broken.bicep')}:2:9 Error BCP036`);
    expect(compileError.diagnostics).toEqual([
      expect.objectContaining({ line: 2, column: 9, level: 'Error', code: 'BCP036' }),
    ]);
  });
});

describe('compileParams and lintBicep with the real CLI', () => {
  it('compiles a .bicepparam file into its parameters and the template it uses', async () => {
    const built = await compileParams(join(dir, 'good.bicepparam'), { cli });
    expect((built.parameters.parameters as Record<string, { value: unknown }>).prefix).toEqual({
      value: 'preview-42',
    });
    expect(Object.keys(built.template?.parameters as object)).toEqual(['prefix', 'unused']);
  });

  it('reports a lint warning with its position and rule, and nothing for a clean file', async () => {
    const diagnostics = await lintBicep(join(dir, 'good.bicep'), { cli });
    expect(diagnostics).toEqual([
      {
        file: join(dir, 'good.bicep'),
        line: 2,
        column: 7,
        level: 'Warning',
        code: 'no-unused-params',
        message: 'Parameter "unused" is declared but never used.',
      },
    ]);
    expect(await lintBicep(join(dir, 'clean.bicep'), { cli })).toEqual([]);
  });
});

describe('parseBicepDiagnostics', () => {
  it('reads paths with spaces and parentheses and skips other lines', () => {
    const output = [
      'Building...',
      '/work/my (copy)/main.bicep(10,3) : Error BCP057: The name "x" does not exist in the current context. [https://aka.ms/bicep/core-diagnostics#BCP057]',
      '/work/a.bicep(1,1) : Info use-safe-access: Use the safe access (.?) operator.',
    ].join('\n');
    expect(parseBicepDiagnostics(output)).toEqual([
      {
        file: '/work/my (copy)/main.bicep',
        line: 10,
        column: 3,
        level: 'Error',
        code: 'BCP057',
        message: 'The name "x" does not exist in the current context.',
      },
      {
        file: '/work/a.bicep',
        line: 1,
        column: 1,
        level: 'Info',
        code: 'use-safe-access',
        message: 'Use the safe access (.?) operator.',
      },
    ]);
  });
});

describe('findBicep', () => {
  let fakes: string;
  const missingTools = '/nonexistent/tools/bicep/bicep';

  beforeAll(async () => {
    fakes = join(dir, 'fakes');
    for (const folder of ['with-bicep', 'with-az', 'with-broken'])
      await mkdir(join(fakes, folder), { recursive: true });
    const script = async (path: string, body: string) => {
      await writeFile(path, `#!/bin/sh\n${body}\n`);
      await chmod(path, 0o755);
    };
    await script(join(fakes, 'with-bicep/bicep'), 'echo "Bicep CLI version 9.8.7 (fake)"');
    await script(join(fakes, 'with-broken/bicep'), 'echo "not bicep"; exit 3');
    // A fake az that answers `az bicep version` and records the arguments of every other call.
    await script(
      join(fakes, 'with-az/az'),
      `if [ "$1 $2" = "bicep version" ]; then echo "Bicep CLI version 0.30.1 (az)"; exit 0; fi\necho "$@" > "${join(fakes, 'az-args')}"\necho '{}'`,
    );
  });

  it('prefers the path the user gives', async () => {
    const found = await findBicep({ path: projectBicepPath(), searchPath: join(fakes, 'with-bicep') });
    expect(found).toEqual({
      command: projectBicepPath(),
      kind: 'standalone',
      version: '0.49.2',
      source: 'user',
    });
  });

  it('fails on a user path that is not a Bicep CLI instead of falling back', async () => {
    await expect(findBicep({ path: join(fakes, 'with-broken/bicep') })).rejects.toThrow(
      `The Bicep CLI at ${join(fakes, 'with-broken/bicep')} does not run`,
    );
  });

  it("uses the project's tools folder before the PATH", async () => {
    const found = await findBicep({ searchPath: join(fakes, 'with-bicep') });
    expect(found.source).toBe('tools');
    expect(found.command).toBe(projectBicepPath());
  });

  it('takes the first working bicep on the PATH, then az bicep', async () => {
    const searchPath = [join(fakes, 'with-broken'), join(fakes, 'with-az'), join(fakes, 'with-bicep')].join(
      ':',
    );
    expect(await findBicep({ toolsBicep: missingTools, searchPath })).toEqual({
      command: join(fakes, 'with-bicep/bicep'),
      kind: 'standalone',
      version: '9.8.7',
      source: 'path',
    });
    const az = await findBicep({ toolsBicep: missingTools, searchPath: join(fakes, 'with-az') });
    expect(az).toEqual({ command: join(fakes, 'with-az/az'), kind: 'az', version: '0.30.1', source: 'az' });
  });

  it('passes the input file to az bicep as --file', async () => {
    const az = await findBicep({ toolsBicep: missingTools, searchPath: join(fakes, 'with-az') });
    const run = await runBicep(az, 'build', join(dir, 'good.bicep'), ['--stdout']);
    expect(run.exitCode).toBe(0);
    expect(await readFile(join(fakes, 'az-args'), 'utf8')).toBe(
      `bicep build --file ${join(dir, 'good.bicep')} --stdout\n`,
    );
  });

  it('says how to install when nothing is found', async () => {
    await expect(
      findBicep({ toolsBicep: missingTools, searchPath: join(fakes, 'with-broken') }),
    ).rejects.toThrow(/^No Bicep CLI found: install it/);
  });
});
