import { progressReporter } from '@azpn/core';
import type { Logger } from '@azpn/core';

/** The part of an SDK poller (core-lro 2 `SimplePollerLike` or core-lro 3 `PollerLike`) progress needs. */
export interface ProgressPoller<TState extends { status: string }, TResult> {
  onProgress(callback: (state: TState) => void): () => void;
  pollUntilDone(): Promise<TResult>;
}

/** The stepping core-lro 3 pollers allow: send the request, poll once, tell when done. */
interface SteppingPoller {
  submitted(): Promise<void>;
  poll(): Promise<unknown>;
  readonly isDone: boolean;
}

/**
 * Status reads spaced out as the operation ages (first after `firstMs`, each wait `factor` times the last, at
 * most `maxMs`), for operations whose service sends no Retry-After, as ARM's deployments do: a long deployment
 * costs a handful of reads instead of one every two seconds, and a short one is still seen done within a second.
 */
export interface PollBackoff {
  firstMs: number;
  factor: number;
  maxMs: number;
}

function isStepping(poller: unknown): poller is SteppingPoller {
  const p = poller as Partial<SteppingPoller>;
  return typeof p.submitted === 'function' && typeof p.poll === 'function' && 'isDone' in (poller as object);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  backoff?: PollBackoff,
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
    if (backoff && isStepping(poller)) {
      await poller.submitted();
      for (
        let wait = backoff.firstMs;
        !poller.isDone;
        wait = Math.min(wait * backoff.factor, backoff.maxMs)
      ) {
        await sleep(wait);
        await poller.poll();
      }
    }
    // Done already when stepped: answers the result, or throws the operation's error.
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
