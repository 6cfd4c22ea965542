import { progressReporter, runStep, type Platform } from '@azpn/core';
import { openAzure, toUserFacingError, type AzureConnection, type OpenAzure } from '@azpn/azure';
import { readActionConfig, type DeployConfig } from './config.js';
import { runDeployment } from './deployment-run.js';
import { runStack } from './stack-run.js';
import { runStackDeletion } from './stack-deletion.js';
import { readyTemplate } from './template-what-if.js';

/** Signs in and runs `work`; any failure becomes one sentence with the last response's correlation id. */
async function withAzure(
  platform: Platform,
  connection: AzureConnection,
  work: (azure: OpenAzure) => Promise<void>,
): Promise<void> {
  let azure: OpenAzure | undefined;
  try {
    azure = await openAzure(platform, connection);
    await work(azure);
  } catch (error) {
    const last = azure?.clients.lastResponse();
    throw toUserFacingError(error, {
      ...(last?.correlationId ? { correlationId: last.correlationId } : {}),
      ...(last?.errorBody ? { errorBody: last.errorBody } : {}),
    });
  }
}

/** Compile → validate → what-if (always shown) → deploy, as a plain deployment or a deployment stack. */
async function runTemplate(platform: Platform, config: DeployConfig): Promise<void> {
  const progress = progressReporter(platform.log, platform.now);
  const started = platform.now();
  const ready = await platform.log.group(`Compile ${config.templateFile}`, () =>
    readyTemplate(config, platform),
  );
  const { prepared } = ready;
  const run = { config, ...ready, platform, progress };
  progress(`template ready (${Object.keys(prepared.parameters).length} parameter values)`);
  const { stack } = config;
  await withAzure(platform, config.connection, (azure) =>
    stack === undefined ? runDeployment(azure, run, started) : runStack(azure, run, started, stack),
  );
}

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
    await runTemplate(platform, config);
  });
}
