import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { root } from '../scripts/pipeline.js';

/**
 * `npm start` as a user runs it (root, the fabric on): Ctrl-C in the middle of the deployment tears the local
 * cloud and its namespaces down and leaves no state directory behind, then the process ends by SIGINT as a shell
 * expects.
 */
/** The namespaces of one fabric run (other suites may run fabrics of their own at the same time). */
const namespacesOf = (runId: string) =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(`azlc-${runId}-`));
const stateDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('azpn-start-'));

describe('npm start', () => {
  it('tears everything down on Ctrl-C during the deployment', async () => {
    const stateDirsBefore = new Set(stateDirs());
    // As `npm start` runs it after its setup; detached, so the signal goes to its process group as a terminal's does.
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let interrupted = false;
    let runId = '';
    let namespacesDuringRun: string[] = [];
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString();
      runId ||= /fabric run ([0-9a-f]{6})/.exec(output)?.[1] ?? '';
      // The deploy step has begun: interrupt it once the fabric realises the first deployed resources.
      if (!interrupted && runId && output.includes('== Deploy the forwarder')) {
        interrupted = true;
        const poll = setInterval(() => {
          namespacesDuringRun = namespacesOf(runId).filter((name) => !/-onprem-|-internet-/.test(name));
          if (namespacesDuringRun.length === 0 && child.exitCode === null) return;
          clearInterval(poll);
          if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
        }, 100);
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    const { signal } = await exited;

    expect(interrupted).toBe(true);
    expect(namespacesDuringRun.length).toBeGreaterThan(0);
    // The output's end says why, should the process have ended otherwise.
    expect({ signal, end: signal === 'SIGINT' ? '' : output.slice(-3000) }).toEqual({
      signal: 'SIGINT',
      end: '',
    });
    expect(output).toContain('Interrupted: tearing the local cloud down.');
    expect(output).not.toContain('== Summary');
    expect(namespacesOf(runId)).toEqual([]);
    expect(stateDirs().filter((name) => !stateDirsBefore.has(name))).toEqual([]);
  });
});
