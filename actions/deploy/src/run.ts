import { runStep, type Platform } from '@azpn/core';
import { readDeployConfig } from './config.js';
import { executeDeployment } from './deployment.js';

/**
 * The main step: compile → validate → what-if (always shown) → deploy, with outputs and a job summary. Validate
 * and what-if modes write nothing: against a missing group they say what a deploy would create instead.
 */
export async function run(platform: Platform): Promise<void> {
  await runStep(platform, async () => {
    await executeDeployment(platform, readDeployConfig(platform));
  });
}
