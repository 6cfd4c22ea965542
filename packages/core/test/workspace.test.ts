import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, resolveWorkspaceFile } from '../src/index.js';

const rule = { pattern: /\.(bicep|json)$/i, kind: 'a .bicep or .json file' };
const root = mkdtempSync(join(tmpdir(), 'azpn-ws-'));
const workspace = join(root, 'work', 'repo');

beforeAll(() => {
  mkdirSync(join(workspace, 'infra'), { recursive: true });
  mkdirSync(join(root, 'cloud'));
  writeFileSync(join(workspace, 'infra', 'main.json'), '{}');
  writeFileSync(join(root, 'cloud', 'cloud.json'), '{"clientSecret":"s3cret"}');
  symlinkSync(join(root, 'cloud', 'cloud.json'), join(workspace, 'infra', 'linked.json'));
  symlinkSync(join(root, 'cloud'), join(workspace, 'cloud-dir'));
  symlinkSync(join(workspace, 'infra', 'main.json'), join(workspace, 'inside.json'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function refusal(value: string): InputError {
  try {
    resolveWorkspaceFile(workspace, 'template', value, rule);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`${value} was accepted`);
}

describe('resolveWorkspaceFile', () => {
  it('answers the real path of a file inside the workspace, relative or absolute, through links that stay inside', () => {
    const main = join(workspace, 'infra', 'main.json');
    expect(resolveWorkspaceFile(workspace, 'template', 'infra/main.json', rule)).toBe(main);
    expect(resolveWorkspaceFile(workspace, 'template', main, rule)).toBe(main);
    expect(resolveWorkspaceFile(workspace, 'template', './infra/../infra/main.json', rule)).toBe(main);
    expect(resolveWorkspaceFile(workspace, 'template', 'inside.json', rule)).toBe(main);
  });

  it.each([
    '../../cloud/cloud.json',
    join(root, 'cloud', 'cloud.json'),
    'infra/linked.json',
    'cloud-dir/cloud.json',
    '/etc/passwd.json',
    'infra/../../../cloud/missing.json',
  ])('refuses %j, which leads outside the workspace, before reading it', (value) => {
    const error = refusal(value);
    expect(error.input).toBe('template');
    expect(error.message).toMatch(/^Input template is ".*", which leads outside the workspace/);
  });

  it('says a file inside that does not exist, or is of the wrong kind, is so', () => {
    expect(refusal('infra/missing.json').message).toMatch(/which does not exist/);
    expect(refusal('infra').message).toMatch(/which is not a .bicep or .json file/);
    expect(refusal(`${'x'.repeat(200_000)}.json`).message.length).toBeLessThan(600);
  });
});
