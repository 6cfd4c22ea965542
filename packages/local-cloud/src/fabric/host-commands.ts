import { execFile, spawn, type ChildProcess } from 'node:child_process';

/** The environment of every command the fabric runs: a fixed PATH, nothing inherited from the cloud's caller. */
export const commandEnvironment = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };

/** A command that failed, with its arguments and what it wrote to stderr. */
export class CommandError extends Error {}

/** Runs one command to completion; rejects with its stderr when it exits non-zero. */
export function runCommand(file: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env: commandEnvironment, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new CommandError(`${file} ${args.join(' ')}: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
    // A command that dies before reading its input (killed, or failing at once) closes the pipe: its exit status
    // reports that, so the write's EPIPE must not become an uncaught error of the whole cloud.
    child.stdin?.on('error', () => undefined);
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs `ip -batch` in a namespace (or the caller's when `namespace` is undefined). */
export async function ipBatch(namespace: string | undefined, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const prefix = namespace === undefined ? [] : ['-n', namespace];
  await runCommand('ip', [...prefix, '-batch', '-'], lines.join('\n') + '\n');
}

/** Runs a command inside a network namespace and returns its standard output. */
export function runInNamespace(namespace: string, argv: string[], input?: string): Promise<string> {
  return runCommand('ip', ['netns', 'exec', namespace, ...argv], input);
}

/** Starts a long-running process inside a network namespace, with pipes on all three streams. */
export function spawnInNamespace(namespace: string, argv: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', namespace, ...argv], {
    env: commandEnvironment,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Writes `value` to a sysctl of a namespace through its /proc/sys (per network namespace for net.*). */
export function namespaceSysctls(namespace: string, settings: Record<string, string>): Promise<string> {
  const writes = Object.entries(settings).map(
    ([key, value]) => `echo ${value} > /proc/sys/${key.replaceAll('.', '/')}`,
  );
  return runInNamespace(namespace, ['sh', '-c', writes.join(' && ')]);
}
