import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  existsSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import JSZip from 'jszip';
import { runAzureDevOpsTask } from '@azpn/action-host';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const schema = JSON.parse(
  readFileSync(join(root, 'test', 'schemas', 'azure-devops-task.schema.json'), 'utf8'),
);

/** The files `entry` (a step's launcher) imports by relative path. */
function relativeImports(entry: string): string[] {
  return [...entry.matchAll(/(?:import\(|from\s*)'(\.\/[^']+)'/g)].map((match) => match[1]!);
}

async function packExtension(out: string): Promise<JSZip> {
  const vsix = join(out, 'azpn.vsix');
  execFileSync('npm', ['run', '--silent', 'package:ado', '--', '--output', vsix], {
    cwd: root,
    stdio: 'pipe',
  });
  return JSZip.loadAsync(readFileSync(vsix));
}

describe('npm run package:ado', () => {
  it('packs every task into one VSIX: unique GUIDs, valid task.json, entry files and their bundle present', async () => {
    const out = mkdtempSync(join(tmpdir(), 'azpn-vsix-test-'));
    try {
      const zip = await packExtension(out);
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
            const imports = relativeImports(await entry!.async('string'));
            expect([path, imports]).toEqual([path, ['./action.js']]);
            const bundle = zip.file(posix.join(folder, posix.dirname(handler.target), imports[0]!));
            const code = await bundle!.async('string');
            expect(code.length).toBeGreaterThan(1000);
            // The chunks it loads on first use travel with it.
            for (const chunk of new Set(code.match(/\.\/chunks\/[\w-]+\.js/g) ?? [])) {
              const file = zip.file(posix.join(folder, posix.dirname(handler.target), chunk));
              expect([path, chunk, file !== null]).toEqual([path, chunk, true]);
            }
            const kind = zip.file(posix.join(folder, posix.dirname(handler.target), 'package.json'));
            expect(JSON.parse(await kind!.async('string'))).toEqual({ type: 'module' });
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

  it('packs task folders that run on their own, with nothing of the repository around them', async () => {
    // Extracted into a temporary folder: no node_modules above it, so an import the bundle left out would fail.
    const out = mkdtempSync(join(tmpdir(), 'azpn-vsix-run-'));
    try {
      const zip = await packExtension(out);
      const task = join(out, 'sample');
      for (const [path, file] of Object.entries(zip.files)) {
        if (file.dir || !path.startsWith('tasks/sample/')) continue;
        const target = join(task, path.slice('tasks/sample/'.length));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, await file.async('nodebuffer'));
      }
      const main = await runAzureDevOpsTask({ taskDir: task, inputs: { name: 'Ada' }, workspace: out });
      expect([main.result, main.stderr]).toEqual(['Succeeded', '']);
      expect(main.outputs.greeting?.value).toBe('1. Hello, Ada!');
      const post = await runAzureDevOpsTask({
        taskDir: task,
        stage: 'post',
        taskVariables: main.taskVariables,
      });
      expect(post.summaries).toEqual(['Post step saw state greeted=Ada.\n']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
