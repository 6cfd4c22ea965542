import { InputError, markdownTable, messages, type Platform } from '@azpn/core';
import { checkInputSchema } from '@azpn/core/structured-inputs';
import { parseResourceGroupResourceId, type OpenAzure } from '@azpn/azure';
import { parseJumpBox, stopJumpBox } from './jump-boxes.js';

/** A group to stop when the job ends; `startedAt` (wall clock, ms) when this action started it. */
export interface StopTarget {
  id: string;
  startedAt?: number;
}

/** How stopping one group went, with the seconds it ran for us (start to confirmed stop). */
export interface StopReport {
  name: string;
  id: string;
  stopped: boolean;
  billableSeconds?: number;
  error?: string;
}

const stateKey = 'jump-boxes-to-stop';

/**
 * The groups the job must stop, kept in the step state (for the post step) and in the `started-groups`
 * output (for the Azure DevOps companion task) every time it changes, so that a job killed at any point
 * leaves behind what its cleanup needs. A group is recorded before its start is requested.
 */
export class StopLedger {
  private readonly targets = new Map<string, StopTarget>();

  constructor(private readonly platform: Platform) {}

  add(target: StopTarget): void {
    this.targets.set(target.id.toLowerCase(), target);
    this.publish();
  }

  list(): StopTarget[] {
    return [...this.targets.values()];
  }

  /** Forgets every group: they are stopped, and the post step has nothing left to do. */
  clear(): void {
    this.targets.clear();
    this.publish();
  }

  private publish(): void {
    const text = JSON.stringify(this.list());
    this.platform.state.save(stateKey, text);
    this.platform.outputs.set('started-groups', text);
  }
}

/** What `started-groups` holds: the probe run's JSON list, as its `started-groups` output wrote it. */
export const startedGroupsSchema = {
  type: 'array',
  description:
    'the started-groups output of the probe run, a JSON list such as [{"id": "/subscriptions/…", "startedAt": 1700000000000}]',
  maxItems: 100,
  items: {
    type: 'object',
    description: 'an entry {"id": "<container group id>", "startedAt": <milliseconds>}',
    required: ['id'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', minLength: 1, maxLength: 2048, description: 'a container group id' },
      startedAt: {
        type: 'number',
        minimum: 0,
        description: 'milliseconds since 1970, as the probe run wrote them',
      },
    },
  },
} as const;

/** An Azure DevOps macro the agent left as it was, because the probe task never set the variable. */
const unexpandedMacro = /^\$\([\w.]+\)$/;

/**
 * Reads `started-groups` (the probe run's output, passed on by a pipeline), refusing anything else naming the
 * input: text that is not JSON, an object, a list of strings, a start that is not a number, an id that is not a
 * container group's. Empty when absent, or when the agent left the macro unexpanded (the probe task never ran).
 */
export function readStartedGroups(text: string | undefined): StopTarget[] {
  if (text === undefined || unexpandedMacro.test(text.trim())) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError('started-groups', messages.inputNotJson('started-groups', (error as Error).message));
  }
  const targets = checkInputSchema<StopTarget[]>('started-groups', value, startedGroupsSchema);
  for (const target of targets) parseJumpBox(target.id, '', undefined, 'started-groups');
  return targets;
}

/** The list a main step left in its state; entries that are not container group ids are dropped. */
export function savedStopTargets(platform: Platform): StopTarget[] {
  try {
    const parsed = JSON.parse(platform.state.get(stateKey) ?? '[]') as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (t): t is StopTarget =>
        typeof t === 'object' &&
        t !== null &&
        typeof (t as StopTarget).id === 'string' &&
        parseResourceGroupResourceId((t as StopTarget).id, 'Microsoft.ContainerInstance/containerGroups') !==
          undefined,
    );
  } catch {
    return [];
  }
}

/** Stops every target in parallel; one failure does not keep the others running. */
export async function stopTargets(
  azure: OpenAzure,
  targets: StopTarget[],
  platform: Platform,
  limitMs = 120_000,
): Promise<StopReport[]> {
  return Promise.all(
    targets.map(async (target): Promise<StopReport> => {
      const box = parseJumpBox(target.id, '', undefined);
      try {
        const stoppedAt = await stopJumpBox(azure, box, limitMs);
        const billableSeconds =
          target.startedAt === undefined ? undefined : Math.round((stoppedAt - target.startedAt) / 100) / 10;
        platform.log.info(
          `Stopped ${box.name}${billableSeconds === undefined ? '' : ` after ${billableSeconds} billable seconds`}.`,
        );
        return {
          name: box.name,
          id: box.id,
          stopped: true,
          ...(billableSeconds === undefined ? {} : { billableSeconds }),
        };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        platform.log.warning(`Could not stop ${box.name}: ${message}`);
        return { name: box.name, id: box.id, stopped: false, error: message };
      }
    }),
  );
}

/** Publishes `billable-seconds` and returns the summary's table of stopped groups. */
export function reportStops(platform: Platform, reports: StopReport[]): string {
  const billable = Object.fromEntries(
    reports.filter((r) => r.billableSeconds !== undefined).map((r) => [r.name, r.billableSeconds!]),
  );
  platform.outputs.set('billable-seconds', JSON.stringify(billable));
  if (reports.length === 0) return '';
  return markdownTable(
    ['jump box', 'stopped', 'billable seconds'],
    reports.map((r) => [
      r.name,
      r.stopped ? 'yes' : `no: ${r.error ?? 'unknown error'}`,
      r.billableSeconds === undefined ? '–' : String(r.billableSeconds),
    ]),
  );
}
