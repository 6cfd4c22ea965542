import { markdownTable, type Platform } from '@azpn/core';
import type { OpenAzure } from '@azpn/azure';
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

/** Reads the list a main step left (state) or a pipeline passed on (`started-groups`); empty when absent. */
export function readStopTargets(text: string | undefined): StopTarget[] {
  if (!text || !text.trim().startsWith('[')) return [];
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (t): t is StopTarget => typeof t === 'object' && t !== null && typeof (t as StopTarget).id === 'string',
  );
}

/** The state key the post step reads. */
export function savedStopTargets(platform: Platform): StopTarget[] {
  return readStopTargets(platform.state.get(stateKey));
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
