import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** What a finished step process left behind on its standard streams. */
export interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** A started step: the child itself (so tests can kill it) and its outcome. */
export interface StartedProcess {
  child: ChildProcess;
  outcome: Promise<ProcessOutcome>;
}

/**
 * Starts `node <entry>` with exactly `env` (nothing inherited beyond what the caller passes), as a
 * runner or agent does: the step sees only the variables it was given.
 */
export function startNodeProcess(
  entry: string,
  env: Record<string, string>,
  options: { cwd: string; node?: string; timeoutMs?: number },
): StartedProcess {
  const started = performance.now();
  const child = spawn(options.node ?? process.execPath, [entry], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
  const outcome = new Promise<ProcessOutcome>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        durationMs: performance.now() - started,
      });
    });
  });
  return { child, outcome };
}

/** The variables every child needs to run at all (PATH, HOME, the CA bundle a test cloud uses). */
export function baseEnvironment(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TZ', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE'];
  const env: Record<string, string> = {};
  for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key] as string;
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/** Replaces every registered secret in `text` with `***`, as the runner and the agent do in logs. */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  let masked = text;
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    masked = masked.split(secret).join('***');
  }
  return masked;
}
