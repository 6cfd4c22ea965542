import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Linux charges CPU time in ticks of 10 ms (USER_HZ, 100 on every Linux this runs on). */
const msPerTick = 10;

/**
 * CPU milliseconds (user and system, every thread) that the children this process has waited for used so far:
 * /proc/self/stat's cutime and cstime. Its difference around one child is that child's CPU time, which the load
 * of a shared machine barely changes, unlike its wall time; a tick is 10 ms, so it is averaged over many runs.
 */
export function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) * msPerTick;
}

/** How long a step may take to reach its first call before the benchmark gives up on it. */
const patience = 30_000;

/**
 * Milliseconds from spawning `node entry` to its first TCP connection to a listener the benchmark opens on a
 * loopback port (which `environment(port)` points the step at), or to its exit when `untilExit`; and the CPU
 * time the step used until then. A step that ends before it connects fails the benchmark with its output,
 * since it never reached the call being timed. `runToEnd` lets the step finish after its connection is
 * refused (so that it writes its compile cache), instead of killing it.
 */
export async function timeToFirstConnection(
  entry: string,
  environment: (port: number) => Record<string, string>,
  options: { cwd: string; untilExit?: boolean; runToEnd?: boolean },
): Promise<{ wallMs: number; cpuMs: number }> {
  const server = createServer((socket) => socket.destroy());
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const env = environment(port);
  const output: Buffer[] = [];
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const child = spawn(process.execPath, [entry], {
    env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  const exited = new Promise<number>((resolve) =>
    child.once('close', () => resolve(performance.now() - started)),
  );
  const connected = new Promise<number>((resolve) =>
    server.once('connection', () => resolve(performance.now() - started)),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${entry} made no connection in ${patience} ms`)), patience);
  });
  const endedFirst = exited.then((ms) => {
    if (options.untilExit) return ms;
    throw new Error(`${entry} exited without a connection:\n${Buffer.concat(output).toString('utf8')}`);
  });
  try {
    const wallMs = await Promise.race(
      options.untilExit ? [endedFirst, timeout] : [connected, endedFirst, timeout],
    );
    // Killed at once, so the CPU it used after connecting is small next to a 10 ms tick.
    if (!options.runToEnd) child.kill('SIGKILL');
    await exited;
    return { wallMs, cpuMs: childrenCpuMs() - cpuBefore };
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
    await exited;
    server.close();
  }
}

/** What a bare `node -e 0` takes from spawn to exit: the floor every step's start is measured against. */
export function bareNodeStart(): { wallMs: number; cpuMs: number } {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return { wallMs: performance.now() - started, cpuMs: childrenCpuMs() - cpuBefore };
}
