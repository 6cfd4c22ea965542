import { formatFailure } from './errors.js';
import type { Platform } from './ports.js';

/**
 * The one catch of an action: runs `body` and reports any error through the platform as a single
 * actionable line. `describe` lets an action map service errors (ARM, Entra) to that line first.
 */
export async function runStep(
  platform: Platform,
  body: () => Promise<void>,
  describe: (error: unknown) => string = formatFailure,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof Error && error.stack) platform.log.debug(error.stack);
    platform.result.fail(describe(error));
  }
}
