import { formatFailure, markdownHeading, runStep, type Platform } from '@azpn/core';
import { openAzure, readAzureConnection, toUserFacingError } from '@azpn/azure';
import { reportStops, savedStopTargets, stopTargets } from './stop-ledger.js';

/**
 * The post step: stops every group the main step recorded and did not stop itself, because the job was
 * cancelled, timed out or the main step died. It reads only state, so it works however main ended.
 */
export async function post(platform: Platform): Promise<void> {
  await runStep(
    platform,
    async () => {
      const targets = savedStopTargets(platform);
      if (targets.length === 0) {
        platform.log.info('The main step left no jump box running; nothing to stop.');
        return;
      }
      platform.log.info(`Stopping ${targets.length} jump box(es) the main step left running.`);
      const azure = await openAzure(platform, readAzureConnection(platform));
      const reports = await stopTargets(azure, targets, platform);
      await platform.summary.append(
        markdownHeading('Jump boxes stopped by the post step') + reportStops(platform, reports),
      );
      const failed = reports.filter((r) => !r.stopped);
      if (failed.length)
        platform.result.fail(`Could not stop ${failed.map((r) => r.name).join(', ')}: stop them by hand.`);
    },
    (error) => formatFailure(toUserFacingError(error)),
  );
}
