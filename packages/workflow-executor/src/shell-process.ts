import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** How a finished script or action process ended. */
export interface ProcessEnd {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The shells a `run:` or `script:` step may use, with the arguments the runner and the agent pass. */
const shells: Record<string, (file: string) => [string, string[]]> = {
  // GitHub's `bash` (the default on Linux): stop at the first failing command, and at a failing pipe stage.
  'github-bash': (file) => ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', file]],
  'github-sh': (file) => ['sh', ['-e', file]],
  // Azure Pipelines' `script:` and `bash:` on Linux: bash runs the file; only its exit code counts.
  'azure-bash': (file) => ['bash', ['--noprofile', '--norc', file]],
};

/** The shells a step may name. */
export type ShellKind = keyof typeof shells;

/** A started script: its child (to cancel it) and its end. */
export interface StartedScript {
  child: ChildProcess;
  end: Promise<ProcessEnd>;
}

/**
 * Writes `script` to a file in `dir` and runs it with exactly `env` in `cwd`, as the runner and the agent do
 * (the script is a file, so `$0`, heredocs and `set -e` behave as on a real runner).
 */
export function startScript(
  script: string,
  options: { shell: ShellKind; dir: string; cwd: string; env: Record<string, string>; timeoutMs?: number },
): StartedScript {
  const file = join(options.dir, 'script.sh');
  writeFileSync(file, script.endsWith('\n') ? script : `${script}\n`, { mode: 0o700 });
  const [command, args] = shells[options.shell]!(file);
  // Its own process group, so that cancelling reaches the commands the script started, as Ctrl-C would.
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  groupLeaders.add(child);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const timer = options.timeoutMs ? setTimeout(() => signal(child, 'SIGKILL'), options.timeoutMs) : undefined;
  const end = new Promise<ProcessEnd>((resolve, reject) => {
    let settled = false;
    const settle = (exitCode: number | null, signalName: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({
        exitCode,
        signal: signalName,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    };
    child.on('error', reject);
    child.on('close', settle);
    // A command the script left in the background may hold its output open: the step ends with the script,
    // once what it wrote has been read, and the background command keeps running (as on a runner).
    child.on('exit', (exitCode, signalName) => {
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        settle(exitCode, signalName);
      }, 500).unref();
    });
  });
  return { child, end };
}

/** Scripts started here, each leading its own process group. */
const groupLeaders = new WeakSet<ChildProcess>();

/** Signals a script's whole process group (it leads one), or an action's process alone. */
function signal(child: ChildProcess, name: NodeJS.Signals): void {
  try {
    if (groupLeaders.has(child) && child.pid !== undefined) process.kill(-child.pid, name);
    else child.kill(name);
  } catch {
    // It ended in the meantime.
  }
}

/**
 * Cancels a step as the runner does: SIGINT first, SIGTERM when it is still running 7.5 s later.
 * Answers once the signal is sent; the step's own promise says when it ended.
 */
export function cancelChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  signal(child, 'SIGINT');
  // Once the script is gone, whatever it left in the background goes too: the runner ends the step's process tree.
  child.once('exit', () => signal(child, 'SIGKILL'));
  const escalate = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) signal(child, 'SIGTERM');
  }, 7500);
  child.once('close', () => clearTimeout(escalate));
}

/** Ends whatever the job's scripts left running in the background, as the runner does when a job ends. */
export function endProcessGroups(children: ChildProcess[]): void {
  for (const child of children) signal(child, 'SIGKILL');
}
