/**
 * Packs every action's Azure DevOps task into one VSIX with tfx-cli:
 * stages `tasks/<action>/{task.json,dist/ado/…}` beside vss-extension.json and runs `tfx extension create`.
 *
 *   npm run package:ado [-- --output FILE]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Contribution {
  id: string;
  type: string;
  properties: { name: string };
}

/** The task folders vss-extension.json contributes, as `tasks/<action>`. */
export function contributedTasks(manifestPath = join(root, 'vss-extension.json')): string[] {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { contributions: Contribution[] };
  return manifest.contributions
    .filter((c) => c.type === 'ms.vss-distributed-task.task')
    .map((c) => c.properties.name);
}

/** Builds the VSIX at `output` and returns its path. */
export function packageExtension(output: string): string {
  const stage = mkdtempSync(join(tmpdir(), 'azpn-vsix-'));
  try {
    for (const task of contributedTasks()) {
      const action = join(root, 'actions', task.replace(/^tasks\//, ''));
      if (!existsSync(join(action, 'task.json'))) throw new Error(`${task}: actions folder has no task.json`);
      const target = join(stage, task);
      mkdirSync(target, { recursive: true });
      cpSync(join(action, 'task.json'), join(target, 'task.json'));
      cpSync(join(action, 'dist', 'ado'), join(target, 'dist', 'ado'), { recursive: true });
    }
    cpSync(join(root, 'vss-extension.json'), join(stage, 'vss-extension.json'));
    mkdirSync(dirname(output), { recursive: true });
    rmSync(output, { force: true });
    const tfx = join(root, 'node_modules', '.bin', 'tfx');
    execFileSync(
      tfx,
      [
        'extension',
        'create',
        '--root',
        stage,
        '--manifests',
        'vss-extension.json',
        '--output-path',
        output,
        '--no-prompt',
        '--no-color',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TFX_TRACE: '' },
      },
    );
    return output;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf('--output');
  const output = resolve(flag > 0 ? (process.argv[flag + 1] ?? '') : join(root, '.artifacts', 'azpn.vsix'));
  console.log(`wrote ${packageExtension(output)}`);
}
