import type { DriftNotice, DriftTracker } from './drift-tracker.js';

/** What the lifecycle did to an environment's record; `failed` when the tracker refused. */
export type LifecycleStep = 'opened' | 'updated' | 'unchanged' | 'closed' | 'clean' | 'failed';

/** The outcome for one environment. */
export interface LifecycleResult {
  step: LifecycleStep;
  /** The issue number or work item id: of the open record, or of the one just closed. */
  id?: number;
  url?: string;
}

/** One environment's drift check, ready for its record. */
export interface EnvironmentDrift {
  environment: string;
  /** The fingerprint of its classified drift; undefined when the environment is clean. */
  fingerprint?: string;
  /** The record's title and body, for a drifted environment. */
  notice?: DriftNotice;
  /** What the comment on an updated record says. */
  changedComment: string;
  /** What the comment on a record closed because the environment is clean says. */
  cleanComment: string;
}

/**
 * Brings an environment's record in line with its drift: opens one on the first drift, updates it when the drift
 * changed (a different fingerprint), leaves it alone when the drift is the same, and closes it with a comment
 * when the environment is clean again. Nothing is written when nothing changed.
 */
export async function applyDriftLifecycle(
  tracker: DriftTracker,
  drift: EnvironmentDrift,
): Promise<LifecycleResult> {
  const existing = await tracker.find(drift.environment);
  if (drift.fingerprint === undefined || drift.notice === undefined) {
    if (existing === undefined) return { step: 'clean' };
    await tracker.close(existing.id, drift.cleanComment);
    return { step: 'closed', id: existing.id, url: existing.url };
  }
  if (existing === undefined) {
    const opened = await tracker.open(drift.notice);
    return { step: 'opened', ...opened };
  }
  if (existing.fingerprint === drift.fingerprint)
    return { step: 'unchanged', id: existing.id, url: existing.url };
  await tracker.update(existing.id, drift.notice, drift.changedComment);
  return { step: 'updated', id: existing.id, url: existing.url };
}
