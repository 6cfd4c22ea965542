import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const action = join(root, 'actions', 'sample');

function buildDist(mode: 'build' | 'check', dist: string) {
  const args = ['--import', 'tsx', 'scripts/build-dist.ts', '--action', action, '--dist', dist];
  return spawnSync(process.execPath, mode === 'check' ? [...args, '--check'] : args, {
    cwd: root,
    encoding: 'utf8',
  });
}

describe('npm run check-dist', () => {
  it('passes on a fresh build and fails, naming each file, once a bundle is edited, added to or lacks a file', () => {
    // The build goes to a scratch folder, so the committed bundles are never touched and need not be current.
    const scratch = mkdtempSync(join(tmpdir(), 'azpn-check-dist-'));
    try {
      const dist = join(scratch, 'dist');
      expect(buildDist('build', dist).status).toBe(0);
      const clean = buildDist('check', dist);
      expect([clean.status, clean.stderr]).toEqual([0, '']);

      // One character of the bundle both steps load, changed in place (same size).
      const bundle = join(dist, 'github', 'action.js');
      const code = readFileSync(bundle, 'utf8');
      const at = code.indexOf('Hello');
      expect(at).toBeGreaterThan(0);
      writeFileSync(bundle, `${code.slice(0, at)}J${code.slice(at + 1)}`);
      writeFileSync(join(dist, 'ado', 'stray.js'), '');
      rmSync(join(dist, 'ado', 'post.js'));
      const stale = buildDist('check', dist);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain('github/action.js (differs)');
      expect(stale.stderr).toContain('ado/stray.js (not produced by the build)');
      expect(stale.stderr).toContain('ado/post.js (missing)');
      expect(stale.stderr).toContain('run `npm run build:dist` and commit the result');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
