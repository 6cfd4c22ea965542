/**
 * One template run as `deploy` runs it, exported so that another capability (`preview`) deploys through the same
 * code: compile → validate → what-if (redacted, noise set aside, always shown) → deploy, as a plain deployment or a
 * deployment stack, with outputs and the job summary, and an outcome its caller can render (the changes, the
 * published outputs, the correlation id).
 */
import { progressReporter, type Platform } from '@azpn/core';
import type { OpenAzure } from '@azpn/azure';
import { withAzure } from './azure-session.js';
import type { DeployConfig } from './config.js';
import { runDeployment } from './deployment-run.js';
import type { DeploymentOutcome } from './run-stages.js';
import { runStack } from './stack-run.js';
import { readyTemplate, type ReadyTemplate } from './template-what-if.js';

export type { DeploymentOutcome, ReadyTemplate };

/**
 * Compiles (or reads) the template, merges and checks its parameters and masked outputs against it, and masks every
 * secure value: every fault of the template inputs is found here, before any call. A caller that must check its
 * inputs before its own calls (preview, before it reads the pull request) prepares first.
 */
export function prepareDeployment(platform: Platform, config: DeployConfig): Promise<ReadyTemplate> {
  return platform.log.group(`Compile ${config.templateFile}`, () => readyTemplate(config, platform));
}

/**
 * Runs one deployment (or stack, when `config.stack` is set) with a checked config: compile and mask the secure
 * values (unless `options.prepared` did), sign in (or use `options.azure`), then validate, what-if and (in mode
 * deploy) deploy. Validate and what-if write nothing: against a missing group they say what a deploy would create
 * instead. Errors reach the caller as one user-facing sentence with the correlation id.
 */
export async function executeDeployment(
  platform: Platform,
  config: DeployConfig,
  options: { azure?: OpenAzure; prepared?: ReadyTemplate } = {},
): Promise<DeploymentOutcome> {
  const progress = progressReporter(platform.log, platform.now);
  const started = platform.now();
  const ready = options.prepared ?? (await prepareDeployment(platform, config));
  const run = { config, ...ready, platform, progress };
  progress(`template ready (${Object.keys(ready.prepared.parameters).length} parameter values)`);
  const { stack } = config;
  return withAzure(
    platform,
    config.connection,
    (azure) =>
      stack === undefined ? runDeployment(azure, run, started) : runStack(azure, run, started, stack),
    options.azure,
  );
}
