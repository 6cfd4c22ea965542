import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runs = 7;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
}

/** Milliseconds from spawning the bundle to its first TCP connection to `port` (the metadata request). */
async function timeToFirstConnection(entry: string, env: Record<string, string>): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const started = performance.now();
  const connected = new Promise<number>((resolve) =>
    server.once('connection', () => resolve(performance.now() - started)),
  );
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', ...env, INPUT_CLOUD: `https://127.0.0.1:${port}` },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('close', resolve));
  const timeout = new Promise<number>((_, reject) =>
    setTimeout(() => reject(new Error(`${entry} made no connection`)), 30_000).unref(),
  );
  try {
    return await Promise.race([connected, timeout]);
  } finally {
    child.kill('SIGKILL');
    await exited;
    server.close();
  }
}

/**
 * Size of every committed bundle, and the sample action's cold start: process start to its first network
 * call (the cloud metadata request), on the GitHub and the Azure DevOps bundle, against a bare
 * `node -e ""` start measured in the same run.
 */
export default async function bundleFigures(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  for (const action of readdirSync(join(root, 'actions'))) {
    for (const bundle of ['github/index.js', 'github/post.js', 'ado/index.js', 'ado/post.js']) {
      const path = join(root, 'actions', action, 'dist', bundle);
      if (existsSync(path))
        figures[`${action}_${bundle.replace(/[/.]/g, '_')}_kib`] = Math.round(statSync(path).size / 1024);
    }
  }
  const sample = join(root, 'actions', 'sample', 'dist');
  const github: number[] = [];
  const ado: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    github.push(
      await timeToFirstConnection(join(sample, 'github', 'index.js'), {
        INPUT_NAME: 'bench',
        GITHUB_OUTPUT: '/dev/null',
      }),
    );
    ado.push(
      await timeToFirstConnection(join(sample, 'ado', 'index.js'), {
        INPUT_NAME: 'bench',
        AGENT_TEMPDIRECTORY: '/tmp',
      }),
    );
    const started = performance.now();
    spawnSync(process.execPath, ['-e', '']);
    bare.push(performance.now() - started);
  }
  figures.sample_github_cold_start_to_first_call_ms = Math.round(median(github));
  figures.sample_ado_cold_start_to_first_call_ms = Math.round(median(ado));
  figures.bare_node_start_ms = Math.round(median(bare));
  figures.github_cold_start_over_bare_node = Number((median(github) / median(bare)).toFixed(2));
  return figures;
}
