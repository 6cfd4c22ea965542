import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import JSZip from 'jszip';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const schema = JSON.parse(
  readFileSync(join(root, 'test', 'schemas', 'azure-devops-task.schema.json'), 'utf8'),
);

describe('npm run package:ado', () => {
  it('packs every task into one VSIX: unique GUIDs, valid task.json, entry files present', async () => {
    const out = mkdtempSync(join(tmpdir(), 'azpn-vsix-test-'));
    try {
      const vsix = join(out, 'azpn.vsix');
      execFileSync('npm', ['run', '--silent', 'package:ado', '--', '--output', vsix], {
        cwd: root,
        stdio: 'pipe',
      });
      const zip = await JSZip.loadAsync(readFileSync(vsix));
      const taskFiles = Object.keys(zip.files).filter((path) => /^tasks\/[^/]+\/task\.json$/.test(path));
      const expected = readdirSync(join(root, 'actions')).filter((n) =>
        existsSync(join(root, 'actions', n, 'task.json')),
      );
      expect(taskFiles.map((p) => p.split('/')[1]).sort()).toEqual(expected.sort());

      const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
      const ids = new Set<string>();
      for (const path of taskFiles) {
        const task = JSON.parse(await zip.file(path)!.async('string'));
        expect(validate(task) ? [] : validate.errors).toEqual([]);
        ids.add(task.id.toLowerCase());
        const folder = posix.dirname(path);
        for (const handlers of [task.execution, task.postjobexecution].filter(Boolean)) {
          for (const handler of Object.values(handlers) as { target: string }[]) {
            const entry = zip.file(posix.join(folder, handler.target));
            expect([path, handler.target, entry !== null]).toEqual([path, handler.target, true]);
            expect((await entry!.async('string')).length).toBeGreaterThan(1000);
          }
        }
      }
      expect(ids.size).toBe(taskFiles.length);
      expect(Object.keys(zip.files)).toEqual(
        expect.arrayContaining(['extension.vsixmanifest', 'extension.vsomanifest']),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
