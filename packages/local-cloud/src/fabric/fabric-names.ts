import { createHash, randomBytes } from 'node:crypto';

/** Every network namespace of a fabric starts with `azlc-<run id>-`; the sweep recognises them by this. */
export const namespacePattern = /^azlc-([0-9a-f]{6})-/;

/** Names of one fabric run: its namespaces and its state directory. */
export class FabricNames {
  readonly runId: string;

  constructor(runId?: string) {
    if (runId !== undefined && !/^[0-9a-f]{6}$/.test(runId))
      throw new Error(
        `The fabric run id '${runId}' is not six lower-case hex digits; omit it to get a random one.`,
      );
    this.runId = runId ?? randomBytes(3).toString('hex');
  }

  /** A namespace name: kind plus the resource's name, with a short hash of its id so two groups never collide. */
  namespace(kind: string, name: string, id = name): string {
    const readable = name
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 40);
    const hash = createHash('sha256').update(id.toLowerCase()).digest('hex').slice(0, 4);
    return `azlc-${this.runId}-${kind}-${readable}-${hash}`;
  }

  /** The directory holding this run's instance disks, DNS files and pid list. */
  get stateDir(): string {
    return `/run/azlc/${this.runId}`;
  }
}
