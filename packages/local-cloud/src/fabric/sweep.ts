import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { runCommand } from './host-commands.js';
import { namespacePattern, type FabricNames } from './fabric-names.js';
import { deleteNamespace } from './namespace-plumbing.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The fabric namespaces that exist now, by run id. */
export async function fabricNamespaces(): Promise<Map<string, string[]>> {
  const listed = await runCommand('ip', ['netns', 'list']);
  const byRun = new Map<string, string[]>();
  for (const line of listed.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const run = namespacePattern.exec(name)?.[1];
    if (run !== undefined) byRun.set(run, [...(byRun.get(run) ?? []), name]);
  }
  return byRun;
}

/** Removes the namespaces and state of one run (its processes die with their namespaces). */
export async function removeRun(runId: string, namespaces: string[]): Promise<void> {
  await Promise.all(namespaces.map(deleteNamespace));
  await rm(`/run/azlc/${runId}`, { recursive: true, force: true });
}

/** Removes what crashed runs left: every run whose owner process is gone (or whose pid file is missing). */
export async function sweepCrashedRuns(): Promise<string[]> {
  const swept: string[] = [];
  for (const [runId, namespaces] of await fabricNamespaces()) {
    const pid = Number(await readFile(`/run/azlc/${runId}/pid`, 'utf8').catch(() => '0'));
    if (pid > 0 && alive(pid)) continue;
    await removeRun(runId, namespaces);
    swept.push(runId);
  }
  return swept;
}

/** Records this process as the owner of the run, for the next start's sweep. */
export async function claimRun(names: FabricNames): Promise<void> {
  await mkdir(names.stateDir, { recursive: true });
  await writeFile(`${names.stateDir}/pid`, String(process.pid));
}
