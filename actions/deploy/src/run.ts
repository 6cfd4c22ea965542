import {
  formatElapsed,
  markdownHeading,
  markdownTable,
  progressReporter,
  runStep,
  UserFacingError,
  type Platform,
} from '@azpn/core';
import {
  failedDeploymentOperations,
  openAzure,
  pollWithProgress,
  toUserFacingError,
  type FailedOperation,
  type OpenAzure,
} from '@azpn/azure';
import { readDeployConfig, type DeployConfig } from './config.js';
import { prepareTemplate, type PreparedTemplate } from './template-source.js';
import { changeCounts, changeLines, hasChanges, whatIfTable, type ResourceChange } from './what-if-report.js';
import { topologyDiagram, type TopologyResource } from './topology.js';

/** Creates the resource group when it does not exist (with the tags given); an existing one is left as it is. */
async function ensureResourceGroup(
  azure: OpenAzure,
  config: DeployConfig,
  platform: Platform,
): Promise<string> {
  const groups = azure.clients.resources.resourceGroups;
  const existing = await groups.get(config.resourceGroup).catch((error: { statusCode?: number }) => {
    if (error.statusCode === 404) return undefined;
    throw error;
  });
  if (existing) return existing.location;
  if (!config.location) {
    throw new UserFacingError(
      `The resource group ${config.resourceGroup} does not exist and input location is not set: set location so it can be created.`,
    );
  }
  await groups.createOrUpdate(config.resourceGroup, { location: config.location, tags: config.tags });
  platform.log.info(`Created resource group ${config.resourceGroup} in ${config.location}.`);
  return config.location;
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

/** Failed operations, following failed nested deployments (Bicep modules) down to the resources at fault. */
async function rootFailures(
  azure: OpenAzure,
  resourceGroup: string,
  name: string,
  depth = 0,
): Promise<FailedOperation[]> {
  const failed = await failedDeploymentOperations(azure.clients.deployments, resourceGroup, name);
  const result: FailedOperation[] = [];
  for (const operation of failed) {
    const nested =
      operation.resourceType === 'Microsoft.Resources/deployments' && operation.resourceId && depth < 5;
    const inner = nested
      ? await rootFailures(
          azure,
          operation.resourceId!.split('/')[4]!,
          operation.resourceName!,
          depth + 1,
        ).catch(() => [])
      : [];
    result.push(...(inner.length > 0 ? inner : [operation]));
  }
  return result;
}

function failureReport(failures: FailedOperation[]): string[] {
  return failures.map((f) => {
    const cause =
      f.causes.map((c) => `${c.code ? `${c.code}: ` : ''}${c.message}`).join('; ') || 'no message';
    return `${f.resourceType ?? 'resource'} ${f.resourceName ?? f.resourceId ?? '?'}: ${cause}`;
  });
}

async function whatIf(
  azure: OpenAzure,
  config: DeployConfig,
  prepared: PreparedTemplate,
  platform: Platform,
) {
  const poller = azure.clients.deployments.deployments.whatIf(
    config.resourceGroup,
    config.deploymentName,
    deploymentBody(prepared),
  );
  const result = await pollWithProgress(poller, 'what-if', platform);
  return (result.changes ?? []) as ResourceChange[];
}

async function deploy(
  azure: OpenAzure,
  config: DeployConfig,
  prepared: PreparedTemplate,
  platform: Platform,
) {
  const poller = azure.clients.deployments.deployments.createOrUpdate(
    config.resourceGroup,
    config.deploymentName,
    deploymentBody(prepared),
  );
  try {
    // ARM sends deployments no Retry-After: read the status less often as the deployment ages.
    return await pollWithProgress(poller, `deployment ${config.deploymentName}`, platform, undefined, {
      firstMs: 1000,
      factor: 1.5,
      maxMs: 10_000,
    });
  } catch (error) {
    const failures = await rootFailures(azure, config.resourceGroup, config.deploymentName).catch(() => []);
    if (failures.length === 0) throw error;
    const lines = failureReport(failures);
    // One error line ends the step; the operations go to the log and the summary.
    for (const line of lines) platform.log.info(`failed: ${line}`);
    const deployment = await azure.clients.deployments.deployments
      .get(config.resourceGroup, config.deploymentName)
      .catch(() => undefined);
    await platform.summary.append(
      markdownHeading(`Deployment ${config.deploymentName} failed`) +
        markdownTable(
          ['resource', 'error'],
          failures.map((f, i) => [f.resourceId ?? '?', lines[i]!]),
        ),
    );
    throw new UserFacingError(
      `Deployment ${config.deploymentName} failed: ${lines[0]!.replace(/\.$/, '')}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ''}. Fix the resource named and run again; the operations are listed in the job summary.`,
      deployment?.properties?.correlationId ? { correlationId: deployment.properties.correlationId } : {},
    );
  }
}

const isExpression = (value: unknown) =>
  typeof value === 'string' && value.startsWith('[') && value.endsWith(']') && !value.startsWith('[[');

/**
 * True when a predicted body holds a reference (`id` or `…Id`) that is still a template expression only the
 * deployment could evaluate: the topology would miss that link.
 */
function holdsUnevaluatedReference(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsUnevaluatedReference);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(
    ([key, v]) => ((key === 'id' || key.endsWith('Id')) && isExpression(v)) || holdsUnevaluatedReference(v),
  );
}

/**
 * The bodies the topology is drawn from: what-if's prediction of each declared resource (it costs no call), read
 * back only where a reference in the prediction is an expression that only the deployment could evaluate.
 */
async function topologyBodies(
  azure: OpenAzure,
  changes: readonly ResourceChange[],
): Promise<TopologyResource[]> {
  const declared = changes.filter((c) => c.changeType !== 'Delete' && c.changeType !== 'Ignore');
  const read = await Promise.all(
    declared.map(async (change) => {
      const predicted = change.after as Record<string, unknown> | undefined;
      const apiVersion = predicted?.apiVersion as string | undefined;
      if (predicted && !holdsUnevaluatedReference(predicted))
        return { id: change.resourceId, body: predicted };
      if (!apiVersion) return undefined;
      const body = await azure.clients.resources.resources
        .getById(change.resourceId, apiVersion)
        .catch(() => undefined);
      return body === undefined
        ? undefined
        : { id: change.resourceId, body: body as unknown as Record<string, unknown> };
    }),
  );
  return read.filter((r): r is TopologyResource => r !== undefined);
}

/** Publishes the deployment's outputs: secure ones never, masked ones as secrets. */
function publishOutputs(
  platform: Platform,
  config: DeployConfig,
  outputs: Record<string, { type?: string; value?: unknown }>,
): string[] {
  const published: string[] = [];
  for (const [name, output] of Object.entries(outputs)) {
    if (/^secure/i.test(output.type ?? '') || output.value === undefined) continue;
    const text = typeof output.value === 'string' ? output.value : JSON.stringify(output.value);
    platform.outputs.set(name, text, { secret: config.maskedOutputs.includes(name) });
    published.push(name);
  }
  return published;
}

/** The main step: compile → validate → what-if (always shown) → deploy, with outputs and a job summary. */
export async function run(platform: Platform): Promise<void> {
  await runStep(platform, async () => {
    const config = readDeployConfig(platform);
    const progress = progressReporter(platform.log, platform.now);
    const started = platform.now();
    const prepared = await platform.log.group(`Compile ${config.templateFile}`, () =>
      prepareTemplate(config),
    );
    for (const name of prepared.secureParameters) {
      const value = prepared.parameters[name]?.value;
      if (typeof value === 'string' && value) platform.secrets.mask(value);
    }
    progress(`template ready (${Object.keys(prepared.parameters).length} parameter values)`);
    try {
      const azure = await openAzure(platform, config.connection);
      await ensureResourceGroup(azure, config, platform);
      await azure.clients.deployments.deployments.validate(
        config.resourceGroup,
        config.deploymentName,
        deploymentBody(prepared),
      );
      progress('validation passed');
      platform.outputs.set('deployment-name', config.deploymentName);
      if (config.mode === 'validate') {
        await platform.summary.append(
          markdownHeading(`Validated ${config.deploymentName}`) +
            `Template ${config.templateFile} is valid for ${config.resourceGroup}.\n`,
        );
        return;
      }
      const changes = await platform.log.group('What-if', async () => {
        const result = await whatIf(azure, config, prepared, platform);
        for (const line of changeLines(result)) platform.log.info(line);
        return result;
      });
      const changed = hasChanges(changes);
      platform.outputs.set('has-changes', String(changed));
      progress(`what-if: ${changeCounts(changes)}`);
      let summary =
        markdownHeading(`Deployment ${config.deploymentName} to ${config.resourceGroup}`) +
        `What-if: ${changeCounts(changes)}.\n\n` +
        whatIfTable(changes);
      if (changed && config.failOnChanges) {
        await platform.summary.append(summary);
        throw new UserFacingError(
          `What-if found changes (${changeCounts(changes)}) and fail-on-changes is true: review the changes in the job summary, then deploy them or revert the drift.`,
        );
      }
      if (config.mode === 'what-if') {
        await platform.summary.append(summary);
        return;
      }
      const result = await deploy(azure, config, prepared, platform);
      const outputs = (result.properties?.outputs ?? {}) as Record<
        string,
        { type?: string; value?: unknown }
      >;
      const published = publishOutputs(platform, config, outputs);
      const elapsed = formatElapsed(platform.now() - started);
      progress(`deployed ${config.deploymentName}: ${published.length} output(s)`);
      const topology = await topologyBodies(azure, changes);
      summary +=
        `\nDeployed in ${elapsed}, correlation id \`${result.properties?.correlationId ?? 'unknown'}\`.\n\n` +
        markdownHeading('Outputs', 3) +
        markdownTable(
          ['output', 'value'],
          published.map((name) => [
            name,
            config.maskedOutputs.includes(name)
              ? '***'
              : String(outputs[name]?.value).replaceAll('\n', ' ').replaceAll('|', '\\|'),
          ]),
        ) +
        markdownHeading('Topology', 3) +
        topologyDiagram(topology);
      await platform.summary.append(summary);
    } catch (error) {
      throw toUserFacingError(error);
    }
  });
}
