import {
  formatElapsed,
  markdownHeading,
  progressReporter,
  runStep,
  UserFacingError,
  type Platform,
} from '@azpn/core';
import { openAzure, pollWithProgress, toUserFacingError, type OpenAzure } from '@azpn/azure';
import {
  changeCounts,
  changeLines,
  hasChanges,
  redactChanges,
  secureFlow,
  whatIfTable,
  type ResourceChange,
  type SecureFlow,
} from '@azpn/whatif';
import { readDeployConfig, type DeployConfig } from './config.js';
import { explainFailedDeployment, explainRefusedTemplate } from './deployment-failure.js';
import { changesForMissingGroup, missingGroupSummary } from './missing-group.js';
import { outputsTable, publishOutputs, type DeploymentOutput } from './outputs.js';
import { createResourceGroup, findResourceGroup } from './resource-group.js';
import { prepareTemplate, type PreparedTemplate } from './template-source.js';
import { topologyBodies } from './topology-bodies.js';
import { topologyDiagram } from './topology.js';

/** One run's state: what every stage reads. */
interface Deployment {
  config: DeployConfig;
  prepared: PreparedTemplate;
  flow: SecureFlow;
  platform: Platform;
  progress: (message: string) => void;
}

function deploymentBody(prepared: PreparedTemplate) {
  return {
    properties: {
      template: prepared.template,
      parameters: prepared.parameters,
      mode: 'Incremental' as const,
    },
  };
}

/** Registers every secure parameter value, and every text inside a secure object, before anything prints. */
function maskSecureValues(platform: Platform, prepared: PreparedTemplate): void {
  const secure = new Set(prepared.secureParameters.map((n) => n.toLowerCase()));
  const mask = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value !== '') platform.secrets.mask(value);
    } else if (typeof value === 'object' && value !== null) {
      platform.secrets.mask(JSON.stringify(value));
      Object.values(value).forEach(mask);
    } else if (value !== undefined && value !== null) platform.secrets.mask(String(value));
  };
  for (const [name, { value }] of Object.entries(prepared.parameters))
    if (secure.has(name.toLowerCase())) mask(value);
}

/** What-if's changes, redacted before anything renders them. */
function redacted(run: Deployment, changes: readonly ResourceChange[]): ResourceChange[] {
  const { platform, flow } = run;
  return redactChanges(changes, { flow, holdsSecret: (text) => platform.secrets.redact(text) !== text });
}

async function whatIf(azure: OpenAzure, run: Deployment): Promise<ResourceChange[]> {
  const poller = azure.clients.deployments.deployments.whatIf(
    run.config.resourceGroup,
    run.config.deploymentName,
    deploymentBody(run.prepared),
  );
  try {
    const result = await pollWithProgress(poller, 'what-if', run.platform);
    return redacted(run, (result.changes ?? []) as ResourceChange[]);
  } catch (error) {
    throw await explainRefusedTemplate(error, 'What-if', azure, run.config, run.platform);
  }
}

async function validate(azure: OpenAzure, run: Deployment): Promise<void> {
  try {
    await azure.clients.deployments.deployments.validate(
      run.config.resourceGroup,
      run.config.deploymentName,
      deploymentBody(run.prepared),
    );
  } catch (error) {
    throw await explainRefusedTemplate(error, 'Validation', azure, run.config, run.platform);
  }
  run.progress('validation passed');
}

/** Logs the changes, sets has-changes, and fails (after writing the summary) when fail-on-changes says so. */
async function reportChanges(run: Deployment, changes: ResourceChange[], summary: string): Promise<void> {
  const { platform, config } = run;
  await platform.log.group('What-if', async () => {
    for (const line of changeLines(changes)) platform.log.info(line);
  });
  const changed = hasChanges(changes);
  platform.outputs.set('has-changes', String(changed));
  run.progress(`what-if: ${changeCounts(changes)}`);
  if (changed && config.failOnChanges) {
    await platform.summary.append(summary);
    throw new UserFacingError(
      `What-if found changes (${changeCounts(changes)}) and fail-on-changes is true: review the changes in the job summary, then deploy them or revert the drift.`,
    );
  }
}

/** Validate and what-if against a group that does not exist: nothing is created; the engine predicts. */
async function previewMissingGroup(run: Deployment): Promise<void> {
  const { config, platform } = run;
  const changes = redacted(run, changesForMissingGroup(config, run.prepared));
  run.progress(`resource group ${config.resourceGroup} does not exist; template evaluated locally`);
  const summary =
    missingGroupSummary(config) + `What-if: ${changeCounts(changes)}.\n\n` + whatIfTable(changes);
  if (config.mode === 'what-if') await reportChanges(run, changes, summary);
  await platform.summary.append(summary);
}

async function deploy(azure: OpenAzure, run: Deployment) {
  const { config, platform } = run;
  const poller = azure.clients.deployments.deployments.createOrUpdate(
    config.resourceGroup,
    config.deploymentName,
    deploymentBody(run.prepared),
  );
  try {
    // ARM sends deployments no Retry-After: read the status less often as the deployment ages.
    return await pollWithProgress(poller, `deployment ${config.deploymentName}`, platform, undefined, {
      firstMs: 1000,
      factor: 1.5,
      maxMs: 10_000,
    });
  } catch (error) {
    throw await explainFailedDeployment(error, azure, config, platform);
  }
}

/** Validate → what-if → deploy against an existing group (created first in deploy mode only). */
async function runMode(azure: OpenAzure, run: Deployment, started: number): Promise<void> {
  const { config, platform } = run;
  platform.outputs.set('deployment-name', config.deploymentName);
  const location = await findResourceGroup(azure, config.resourceGroup);
  if (location === undefined && config.mode !== 'deploy') return previewMissingGroup(run);
  if (location === undefined) await createResourceGroup(azure, config, platform);
  await validate(azure, run);
  if (config.mode === 'validate') {
    await platform.summary.append(
      markdownHeading(`Validated ${config.deploymentName}`) +
        `Template ${config.templateFile} is valid for ${config.resourceGroup}.\n`,
    );
    return;
  }
  const changes = await whatIf(azure, run);
  let summary =
    markdownHeading(`Deployment ${config.deploymentName} to ${config.resourceGroup}`) +
    `What-if: ${changeCounts(changes)}.\n\n` +
    whatIfTable(changes);
  await reportChanges(run, changes, summary);
  if (config.mode === 'what-if') return platform.summary.append(summary);
  const result = await deploy(azure, run);
  const outputs = (result.properties?.outputs ?? {}) as Record<string, DeploymentOutput>;
  const published = publishOutputs(platform, config, outputs, run.flow.outputs);
  run.progress(`deployed ${config.deploymentName}: ${published.length} output(s)`);
  summary +=
    `\nDeployed in ${formatElapsed(platform.now() - started)}, correlation id \`${result.properties?.correlationId ?? 'unknown'}\`.\n\n` +
    outputsTable(published) +
    markdownHeading('Topology', 3) +
    topologyDiagram(await topologyBodies(azure, changes));
  await platform.summary.append(summary);
}

/**
 * The main step: compile → validate → what-if (always shown) → deploy, with outputs and a job summary. Validate
 * and what-if modes write nothing: against a missing group they say what a deploy would create instead.
 */
export async function run(platform: Platform): Promise<void> {
  await runStep(platform, async () => {
    const config = readDeployConfig(platform);
    const progress = progressReporter(platform.log, platform.now);
    const started = platform.now();
    const prepared = await platform.log.group(`Compile ${config.templateFile}`, () =>
      prepareTemplate(config),
    );
    maskSecureValues(platform, prepared);
    const deployment = { config, prepared, flow: secureFlow(prepared.template), platform, progress };
    progress(`template ready (${Object.keys(prepared.parameters).length} parameter values)`);
    let azure: OpenAzure | undefined;
    try {
      azure = await openAzure(platform, config.connection);
      await runMode(azure, deployment, started);
    } catch (error) {
      const last = azure?.clients.lastResponse();
      throw toUserFacingError(error, {
        ...(last?.correlationId ? { correlationId: last.correlationId } : {}),
        ...(last?.errorBody ? { errorBody: last.errorBody } : {}),
      });
    }
  });
}
