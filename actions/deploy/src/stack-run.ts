import { formatElapsed, markdownHeading, UserFacingError } from '@azpn/core';
import { pollWithProgress, type DeploymentStack, type OpenAzure } from '@azpn/azure';
import { builtInNoiseRules, changeCounts, noiseDetails, setNoiseAside, whatIfTable } from '@azpn/whatif';
import { scopeLabel } from './deployment-calls.js';
import {
  deploymentAddressOf,
  explainFailedOperations,
  explainRefusedTemplate,
} from './deployment-failure.js';
import { readyGroup, whatIf } from './deployment-run.js';
import { outputsTable, publishOutputs, type DeploymentOutput } from './outputs.js';
import { notDeployed, reportChanges, type Deployment, type DeploymentOutcome } from './run-stages.js';
import { readStack, stackBody, startStackWrite, validateStack } from './stack-calls.js';
import { predictRelease, releaseTable, type StackRelease } from './stack-release.js';
import type { StackSettings } from './stack-settings.js';
import { topologyBodies } from './topology-bodies.js';
import { topologyDiagram } from './topology.js';

function settingsLine(stack: StackSettings): string {
  const deny = stack.denySettings;
  const excluded = deny.excludedPrincipals.length + deny.excludedActions.length;
  return `Stack settings: action-on-unmanage ${stack.unmanage}, deny settings ${deny.mode}${excluded > 0 ? ` (${deny.excludedPrincipals.length} principal(s), ${deny.excludedActions.length} action(s) excluded)` : ''}${deny.applyToChildScopes ? ', applied to child scopes' : ''}.\n\n`;
}

async function validate(azure: OpenAzure, run: Deployment, stack: StackSettings): Promise<void> {
  const { config } = run;
  try {
    await validateStack(azure, config.scope, stack.name, stackBody(config, stack, run.prepared));
  } catch (error) {
    throw await explainRefusedTemplate(error, 'Validation', azure, config, run.platform);
  }
  run.progress('stack validation passed');
}

/** A failed stack run, as the user needs it: the failing operations of its deployment, or the resources it could not delete. */
async function explainFailedStack(
  error: unknown,
  azure: OpenAzure,
  run: Deployment,
  stack: StackSettings,
): Promise<unknown> {
  const read = await readStack(azure, run.config.scope, stack.name).catch(() => undefined);
  const failed = read?.properties?.failedResources ?? [];
  const deployment = deploymentAddressOf(read?.properties?.deploymentId ?? '');
  const explained =
    deployment === undefined
      ? error
      : await explainFailedOperations(error, azure, deployment, `Stack ${stack.name}`, run.platform);
  if (explained !== error || failed.length === 0) return explained;
  const first = failed[0]!;
  return new UserFacingError(
    `Stack ${stack.name} failed: ${first.id} could not be deleted (${first.error?.code ?? 'error'}: ${first.error?.message ?? 'no message'})${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''}. Remove what blocks it and run again.`,
  );
}

async function writeStack(azure: OpenAzure, run: Deployment, stack: StackSettings): Promise<DeploymentStack> {
  const { config, platform } = run;
  const poller = await startStackWrite(
    azure,
    config.scope,
    stack.name,
    stackBody(config, stack, run.prepared),
  );
  try {
    return await pollWithProgress(poller, `stack ${stack.name}`, platform);
  } catch (error) {
    throw await explainFailedStack(error, azure, run, stack);
  }
}

/** The summary of a stack run: what it manages, what it let go of, its outputs and its topology. */
function resultSummary(result: DeploymentStack, published: ReturnType<typeof publishOutputs>): string {
  const properties = result.properties;
  const released: StackRelease[] = [
    ...(properties?.deletedResources ?? []).map((r) => ({ id: r.id ?? '', action: 'delete' as const })),
    ...(properties?.detachedResources ?? []).map((r) => ({ id: r.id ?? '', action: 'detach' as const })),
  ];
  return (
    `The stack manages ${(properties?.resources ?? []).length} resource(s) with deny settings ${properties?.denySettings.mode ?? 'none'}.\n\n` +
    releaseTable('Let go by this update', released) +
    outputsTable(published)
  );
}

/**
 * A deployment stack: validate (the stacks service) → what-if (ARM's deployment what-if of the template at the
 * stack's scope, plus what the stack would detach or delete, since Azure has no what-if for stacks) → create or
 * update the stack, with its outputs, what it manages and what it let go of; answers what it did.
 */
export async function runStack(
  azure: OpenAzure,
  run: Deployment,
  started: number,
  stack: StackSettings,
): Promise<DeploymentOutcome> {
  const { config, platform } = run;
  const where = scopeLabel(config.scope, config.connection.subscriptionId);
  platform.outputs.set('stack-name', stack.name);
  const previewed = await readyGroup(azure, run);
  if (previewed !== undefined) return notDeployed(config.deploymentName, previewed);
  await validate(azure, run, stack);
  if (config.mode === 'validate') {
    const text = `Template ${config.templateFile} is valid for stack ${stack.name} at ${where}.\n\n${settingsLine(stack)}`;
    await platform.summary.append(markdownHeading(`Validated stack ${stack.name}`) + text);
    return notDeployed(config.deploymentName);
  }
  const changes = await whatIf(azure, run);
  const release = predictRelease(
    await readStack(azure, config.scope, stack.name),
    changes,
    stack.actionOnUnmanage,
  );
  const { changes: shown, noise } = setNoiseAside(changes, builtInNoiseRules);
  const head =
    markdownHeading(`Stack ${stack.name} at ${where}`) +
    settingsLine(stack) +
    `What-if of the template: ${changeCounts(shown)}.\n\n` +
    whatIfTable(shown) +
    noiseDetails(noise);
  const predicted = head + releaseTable('Resources the stack would let go', release);
  await reportChanges(run, shown, predicted, release.length > 0);
  if (config.mode === 'what-if') {
    await platform.summary.append(predicted);
    return notDeployed(config.deploymentName, shown);
  }
  const result = await writeStack(azure, run, stack);
  const deploymentName = (result.properties?.deploymentId ?? '').split('/').pop() ?? '';
  platform.outputs.set('stack-id', result.id ?? '');
  platform.outputs.set('deployment-name', deploymentName);
  const outputs = (result.properties?.outputs ?? {}) as Record<string, DeploymentOutput>;
  const published = publishOutputs(platform, config, outputs, run.flow.outputs);
  const correlationId = result.properties?.correlationId;
  run.progress(`stack ${stack.name}: ${published.length} output(s)`);
  const summary =
    head +
    `\nDeployed in ${formatElapsed(platform.now() - started)}, correlation id \`${correlationId ?? 'unknown'}\`.\n\n` +
    resultSummary(result, published) +
    markdownHeading('Topology', 3) +
    topologyDiagram(await topologyBodies(azure, changes));
  await platform.summary.append(summary);
  const answered = { deploymentName, changes: shown, outputs: published, deployed: true };
  return { ...answered, ...(correlationId ? { correlationId } : {}) };
}
