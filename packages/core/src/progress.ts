import type { Logger } from './ports.js';

/** Formats milliseconds as the elapsed-time prefix of a progress line: `12.3s` or `2m05s`. */
export function formatElapsed(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

/**
 * Progress lines with the time elapsed since the reporter was made, e.g. `[12.3s] deployment Running`.
 * `now` is the platform's clock so tests can drive it.
 */
export function progressReporter(log: Logger, now: () => number): (message: string) => void {
  const start = now();
  return (message) => log.info(`[${formatElapsed(now() - start)}] ${message}`);
}
