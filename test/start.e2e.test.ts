import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { root } from '../scripts/pipeline.js';

/**
 * `npm start` as a user runs it (root, the fabric on): the main job runs to the end with every step passing, and
 * Ctrl-C in the middle of the deployment tears the local cloud and its namespaces down and leaves no state directory
 * behind, then the process ends by SIGINT as a shell expects.
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
  it('runs the main job to the end: the forwarder and the layers deployed and probed, every step ok, nothing left', async () => {
    const stateDirsBefore = new Set(stateDirs());
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const runId = /fabric run ([0-9a-f]{6})/.exec(output)?.[1] ?? '';
    const summary = output.slice(output.indexOf('== Summary'));

    expect({ code, end: code === 0 ? '' : output.slice(-3000) }).toEqual({ code: 0, end: '' });
    // Every step of the README's quick start ran and passed, the probes included (as root, the fabric is on).
    const marks = [...summary.matchAll(/^(ok {2}|FAIL|skip) +\S+ {2}(.+)$/gm)].map((m) => [
      m[1]!.trim(),
      m[2],
    ]);
    expect(marks.map(([mark]) => mark)).toEqual(Array(7).fill('ok'));
    expect(marks.map(([, name]) => name)).toEqual([
      expect.stringMatching(/^Compile and lint every Bicep template/),
      expect.stringMatching(/^Start the local cloud with the fabric/),
      expect.stringMatching(/^Deploy the forwarder/),
      expect.stringMatching(/^Publish the private endpoint/),
      expect.stringMatching(/^Probe from the jump boxes/),
      expect.stringMatching(/^Deploy the nested layers/),
      expect.stringMatching(/^Probe the layers from L2, L3 and L4/),
    ]);
    expect(summary).toMatch(/pass seed check - on-prem through the forwarder/);
    // An allowed and a wildcard name chained L2 -> L3 -> L4 -> origin, the rest stopped where the design says.
    expect(
      summary.match(/^ +hops .*\| L2 proxy .*\| L3 proxy .*\| L4 proxy .*\| origin, seen from /gm),
    ).toHaveLength(2);
    expect(summary).toMatch(
      /direct connections stopped by nsg-l2-\S+\/deny-internet-outbound \(\d+ packets\)/,
    );
    expect(summary).toMatch(/refused \S+: by the L2 proxy [\d.]+; no layer above saw it/);
    expect(namespacesOf(runId)).toEqual([]);
    expect(stateDirs().filter((name) => !stateDirsBefore.has(name))).toEqual([]);
  }, 600_000);
});
