import { progressReporter } from '@azpn/core';
import type { Logger } from '@azpn/core';

/** The part of an SDK poller (core-lro 2 `SimplePollerLike` or core-lro 3 `PollerLike`) progress needs. */
export interface ProgressPoller<TState extends { status: string }, TResult> {
  onProgress(callback: (state: TState) => void): () => void;
  pollUntilDone(): Promise<TResult>;
}

/**
 * Waits for a long-running operation, logging `[elapsed] <what>: <status>` when it starts, whenever its status
 * changes, and at most every `everyMs` of platform time while it stays the same, so a slow deployment
 * still shows signs of life without flooding the log.
 */
export async function pollWithProgress<TState extends { status: string }, TResult>(
  poller: ProgressPoller<TState, TResult>,
  what: string,
  platform: { log: Logger; now(): number },
  everyMs = 30_000,
): Promise<TResult> {
  const report = progressReporter(platform.log, () => platform.now());
  let lastStatus: string | undefined;
  let lastReportAt = platform.now();
  report(`${what}: started`);
  const stop = poller.onProgress((state) => {
    const at = platform.now();
    if (state.status === lastStatus && at - lastReportAt < everyMs) return;
    lastStatus = state.status;
    lastReportAt = at;
    report(`${what}: ${state.status}`);
  });
  try {
    const result = await poller.pollUntilDone();
    report(`${what}: done`);
    return result;
  } catch (error) {
    report(`${what}: failed`);
    throw error;
  } finally {
    stop();
  }
}
