import { formatElapsed, markdownHeading } from '@azpn/core';
import { pollWithProgress, type OpenAzure } from '@azpn/azure';
import {
  builtInNoiseRules,
  changeCounts,
  noiseDetails,
  setNoiseAside,
  whatIfTable,
  type ResourceChange,
} from '@azpn/whatif';
import { createDeployment, deploymentBody, scopeLabel, validateDeployment } from './deployment-calls.js';
import { explainFailedDeployment, explainRefusedTemplate } from './deployment-failure.js';
import { outputsTable, publishOutputs, type DeploymentOutput } from './outputs.js';
import { createResourceGroup, findResourceGroup } from './resource-group.js';
import {
  notDeployed,
  previewMissingGroup,
  reportChanges,
  type Deployment,
  type DeploymentOutcome,
} from './run-stages.js';
import { runWhatIf } from './template-what-if.js';
import { topologyBodies } from './topology-bodies.js';
import { topologyDiagram } from './topology.js';

/** What-if at the deployment's scope, its changes redacted (the code drift-check runs too). */
export function whatIf(azure: OpenAzure, run: Deployment): Promise<ResourceChange[]> {
  return runWhatIf(azure, run.config, run, run.platform);
}

async function validate(azure: OpenAzure, run: Deployment): Promise<void> {
  try {
    await validateDeployment(azure, run.config, deploymentBody(run.config, run.prepared));
  } catch (error) {
    throw await explainRefusedTemplate(error, 'Validation', azure, run.config, run.platform);
  }
  run.progress('validation passed');
}

async function deploy(azure: OpenAzure, run: Deployment) {
  const { config, platform } = run;
  const poller = createDeployment(azure, config, deploymentBody(config, run.prepared));
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

/**
 * Makes sure the resource group is there to validate against: in deploy mode it is created when missing, and the
 * answer is undefined (go on). In validate and what-if modes a missing group is previewed locally instead: the
 * answer is the changes predicted, and there is nothing more to do.
 */
export async function readyGroup(azure: OpenAzure, run: Deployment): Promise<ResourceChange[] | undefined> {
  const { config, platform } = run;
  if (config.scope.level !== 'resourceGroup') return undefined;
  const location = await findResourceGroup(azure, config.scope.resourceGroup);
  if (location === undefined && config.mode !== 'deploy') return previewMissingGroup(run);
  if (location === undefined) await createResourceGroup(azure, config, platform);
  return undefined;
}

/**
 * Validate → what-if → deploy at the deployment's scope (a missing group is created first in deploy mode only);
 * answers what it did.
 */
export async function runDeployment(
  azure: OpenAzure,
  run: Deployment,
  started: number,
): Promise<DeploymentOutcome> {
  const { config, platform } = run;
  const where = scopeLabel(config.scope, config.connection.subscriptionId);
  platform.outputs.set('deployment-name', config.deploymentName);
  const previewed = await readyGroup(azure, run);
  if (previewed !== undefined) return notDeployed(config.deploymentName, previewed);
  await validate(azure, run);
  if (config.mode === 'validate') {
    await platform.summary.append(
      markdownHeading(`Validated ${config.deploymentName}`) +
        `Template ${config.templateFile} is valid for ${where}.\n`,
    );
    return notDeployed(config.deploymentName);
  }
  const changes = await whatIf(azure, run);
  // Noise real what-if shows for unchanged resources is neither a change to report nor a reason to fail.
  const { changes: shown, noise } = setNoiseAside(changes, builtInNoiseRules);
  let summary =
    markdownHeading(`Deployment ${config.deploymentName} to ${where}`) +
    `What-if: ${changeCounts(shown)}.\n\n` +
    whatIfTable(shown) +
    noiseDetails(noise);
  if (noise.length > 0)
    run.progress(`what-if: ${noise.length} changed properties set aside as known what-if noise`);
  await reportChanges(run, shown, summary);
  if (config.mode === 'what-if') {
    await platform.summary.append(summary);
    return notDeployed(config.deploymentName, shown);
  }
  const result = await deploy(azure, run);
  const outputs = (result.properties?.outputs ?? {}) as Record<string, DeploymentOutput>;
  const published = publishOutputs(platform, config, outputs, run.flow.outputs);
  const correlationId = result.properties?.correlationId;
  run.progress(`deployed ${config.deploymentName}: ${published.length} output(s)`);
  summary +=
    `\nDeployed in ${formatElapsed(platform.now() - started)}, correlation id \`${correlationId ?? 'unknown'}\`.\n\n` +
    outputsTable(published) +
    markdownHeading('Topology', 3) +
    topologyDiagram(await topologyBodies(azure, changes));
  await platform.summary.append(summary);
  return {
    deploymentName: config.deploymentName,
    changes: shown,
    outputs: published,
    deployed: true,
    ...(correlationId ? { correlationId } : {}),
  };
}
