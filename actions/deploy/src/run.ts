import { runStep, type Platform } from '@azpn/core';
import { withAzure } from './azure-session.js';
import { readActionConfig } from './config.js';
import { executeDeployment } from './deployment.js';
import { runStackDeletion } from './stack-deletion.js';

/**
 * The main step: compile → validate → what-if (always shown) → deploy, with outputs and a job summary, at a
 * resource group or a subscription, as a plain deployment or a deployment stack; or (`mode: delete`) delete a
 * stack. Validate and what-if modes write nothing: against a missing group they say what a deploy would create.
 */
export async function run(platform: Platform): Promise<void> {
  await runStep(platform, async () => {
    const config = readActionConfig(platform);
    if (config.mode === 'delete')
      return withAzure(platform, config.connection, (azure) => runStackDeletion(azure, platform, config));
    await executeDeployment(platform, config);
  });
}
