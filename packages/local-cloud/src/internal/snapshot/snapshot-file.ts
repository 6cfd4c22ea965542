import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ResourceGroupRecord, ResourceRecord, ResourceStore } from '../arm/resource-store.js';
import type { CloudPlugin } from '../cloud-plugin.js';
import { withoutWriteOnlySecrets } from '../arm/write-only.js';

/** A map of records as the snapshot holds it: `[key, record]` pairs in insertion order. */
type Entries<Record> = [string, Record][];

/**
 * What a snapshot file holds: every map of the store, and under each plug-in's name the state it keeps outside the
 * store (`deployments`), as `[key, record]` pairs in insertion order.
 */
export interface Snapshot {
  format: 'azpn-local-cloud-snapshot';
  version: 1;
  resourceGroups: Entries<ResourceGroupRecord>;
  resources: Entries<ResourceRecord>;
  [plugin: string]: unknown;
}

const format = 'azpn-local-cloud-snapshot';

/** The plug-ins that keep state outside the store. */
function persisted(plugins: readonly CloudPlugin[]) {
  return plugins.flatMap((p) => (p.snapshot === undefined ? [] : [{ name: p.name, snapshot: p.snapshot }]));
}

/** The store (and the plug-ins' state) as a snapshot; the same state always gives the same text. */
export function serialiseSnapshot(store: ResourceStore, plugins: readonly CloudPlugin[]): string {
  const snapshot: Snapshot = {
    format,
    version: 1,
    resourceGroups: [...store.resourceGroups.entries()],
    // The write-only secrets (an ACI secureValue, an adminPassword) are not written: nothing needs them again.
    resources: [...store.resources.entries()].map(([key, record]) => [key, withoutWriteOnlySecrets(record)]),
  };
  for (const { name, snapshot: state } of persisted(plugins)) snapshot[name] = state.save(store);
  return JSON.stringify(snapshot, null, 1) + '\n';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why the parsed text is not a snapshot, or undefined when it is one. A plug-in's member may be absent. */
function problemOf(value: unknown, plugins: readonly CloudPlugin[]): string | undefined {
  if (!isObject(value) || value.format !== format) return `it is not an ${format} document`;
  if (value.version !== 1) return `its version ${String(value.version)} is not 1`;
  const optional = persisted(plugins).map((p) => p.name);
  for (const member of ['resourceGroups', 'resources', ...optional]) {
    const entries = value[member];
    if (entries === undefined && optional.includes(member)) continue;
    if (!Array.isArray(entries)) return `its '${member}' is not a list`;
    const bad = entries.findIndex(
      (e) => !Array.isArray(e) || typeof e[0] !== 'string' || !isObject(e[1]) || typeof e[1].id !== 'string',
    );
    if (bad >= 0) return `${member}[${bad}] is not a [key, record with an id] pair`;
  }
  return undefined;
}

function unusable(file: string, reason: string): Error {
  return new Error(
    `The snapshot file ${file} cannot be loaded (${reason}); fix it, move it away or delete it to start an empty cloud (the local cloud left it untouched).`,
  );
}

/** Reads a snapshot file: undefined when it does not exist, an Error naming the file when it is unusable. */
export async function readSnapshot(
  file: string,
  plugins: readonly CloudPlugin[],
): Promise<Snapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unusable(file, (error as Error).message);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw unusable(file, `it is not JSON: ${(error as Error).message}`);
  }
  const problem = problemOf(parsed, plugins);
  if (problem !== undefined) throw unusable(file, problem);
  return parsed as Snapshot;
}

const transient = new Set(['Updating', 'Creating', 'Pending', 'Accepted', 'Running']);

function stateOf(record: unknown): unknown {
  return isObject(record) && isObject(record.properties) ? record.properties.provisioningState : undefined;
}

/**
 * Ends what a crash left half done, as the lost operations would have: Deleting records go, Updating (Pending,
 * Creating) ones and their inline children become Succeeded.
 */
function finishRecord(record: ResourceRecord): void {
  if (transient.has(String(stateOf(record)))) record.properties.provisioningState = 'Succeeded';
  for (const [member, value] of Object.entries(record.properties)) {
    if (!Array.isArray(value)) continue;
    const kept = value.filter((item) => stateOf(item) !== 'Deleting');
    for (const item of kept)
      if (transient.has(String(stateOf(item))))
        (item as { properties: Record<string, unknown> }).properties.provisioningState = 'Succeeded';
    if (kept.length !== value.length) record.properties[member] = kept;
  }
}

/** Loads a snapshot into an empty store; each plug-in restores its own state (and ends what was running). */
export function restoreSnapshot(
  store: ResourceStore,
  snapshot: Snapshot,
  now: number,
  plugins: readonly CloudPlugin[],
): void {
  const gone: string[] = [];
  for (const [key, group] of snapshot.resourceGroups) {
    if (group.properties?.provisioningState === 'Deleting') gone.push(key);
    else store.resourceGroups.set(key, group);
  }
  for (const [key, record] of snapshot.resources) {
    if (stateOf(record) === 'Deleting') gone.push(key);
    else store.resources.set(key, record);
  }
  for (const key of store.resources.keys())
    if (gone.some((prefix) => key.startsWith(`${prefix}/`))) store.resources.delete(key);
  for (const record of store.resources.values()) finishRecord(record);
  for (const { name, snapshot: state } of persisted(plugins)) {
    const entries = snapshot[name] as Entries<{ id: string }> | undefined;
    if (entries !== undefined) state.restore(store, entries, now);
  }
}

/**
 * Keeps a snapshot file up to date: `schedule()` after each call writes the store (when it changed) a short while
 * later, atomically (a temporary file renamed over the old one); `close()` writes it a last time.
 */
export class SnapshotWriter {
  private timer?: NodeJS.Timeout;
  private written?: string;
  private closed = false;
  private chain: Promise<void> = Promise.resolve();
  /** The last failed write, reported on stderr once per distinct message. */
  lastError?: Error;

  constructor(
    readonly file: string,
    private readonly store: ResourceStore,
    private readonly plugins: readonly CloudPlugin[],
    private readonly delayMs = 100,
  ) {}

  /** Writes the store within `delayMs`, once for any number of calls in between. */
  schedule(): void {
    if (this.closed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: Error) => {
        if (this.lastError?.message !== error.message)
          process.stderr.write(`local cloud: could not write the snapshot: ${error.message}\n`);
        this.lastError = error;
      });
    }, this.delayMs);
  }

  /** Writes the store now if it changed since the last write. */
  flush(): Promise<void> {
    const next = this.chain.then(() => this.write());
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Stops scheduling and writes the final state. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async write(): Promise<void> {
    const text = serialiseSnapshot(this.store, this.plugins);
    if (text !== this.written) {
      await mkdir(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      try {
        await writeFile(temporary, text, { mode: 0o600 });
        await rename(temporary, this.file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      this.written = text;
      this.lastError = undefined;
    }
    // A running deployment changes the store between calls: look again until it ends.
    if (this.plugins.some((p) => p.snapshot?.busy?.(this.store))) this.schedule();
  }
}
