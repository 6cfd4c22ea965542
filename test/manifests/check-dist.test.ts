import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const action = join(root, 'actions', 'sample');

function checkDist(dist: string) {
  const args = ['--import', 'tsx', 'scripts/build-dist.ts', '--check', '--action', action, '--dist', dist];
  return spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
  });
}

describe('npm run check-dist', () => {
  it('passes on a faithful copy and fails, naming the file, once a bundle is edited', () => {
    // The committed bundles are copied, so the real ones are never touched.
    const scratch = mkdtempSync(join(tmpdir(), 'azpn-check-dist-'));
    try {
      const copy = join(scratch, 'dist');
      cpSync(join(action, 'dist'), copy, { recursive: true });
      const clean = checkDist(copy);
      expect([clean.status, clean.stderr]).toEqual([0, '']);

      appendFileSync(join(copy, 'github', 'post.js'), '\n// edited by hand\n');
      const stale = checkDist(copy);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain('github/post.js (differs)');
      expect(stale.stderr).toContain('run `npm run build:dist` and commit the result');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
