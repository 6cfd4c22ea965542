import { markdownHeading, markdownTable, UserFacingError, type Platform } from '@azpn/core';
import {
  armErrorTreeLines,
  describeAzureError,
  failedDeploymentOperations,
  type FailedOperation,
  type OpenAzure,
} from '@azpn/azure';
import type { DeployConfig } from './config.js';
import { readDeployment, scopeLabel } from './deployment-calls.js';
import { deploymentsClient } from '@azpn/azure/clients/deployments';

/** A deployment by where ARM keeps it: its resource group (none at subscription scope) and its name. */
export interface DeploymentAddress {
  resourceGroup?: string;
  name: string;
}

const deploymentId =
  /^\/subscriptions\/[^/]+(?:\/resourceGroups\/([^/]+))?\/providers\/Microsoft\.Resources\/deployments\/([^/]+)$/i;

/** The address of a deployment id at resource-group or subscription scope; undefined for anything else. */
export function deploymentAddressOf(id: string): DeploymentAddress | undefined {
  const m = deploymentId.exec(id);
  if (m === null) return undefined;
  return { ...(m[1] === undefined ? {} : { resourceGroup: m[1] }), name: m[2]! };
}

/** The address of the deployment a config runs. */
function addressOf(config: DeployConfig): DeploymentAddress {
  return {
    ...(config.scope.level === 'resourceGroup' ? { resourceGroup: config.scope.resourceGroup } : {}),
    name: config.deploymentName,
  };
}

/** Failed operations, following failed nested deployments (Bicep modules) down to the resources at fault. */
async function rootFailures(
  azure: OpenAzure,
  address: DeploymentAddress,
  depth = 0,
): Promise<FailedOperation[]> {
  const failed = await failedDeploymentOperations(
    azure.client(deploymentsClient),
    address.resourceGroup,
    address.name,
  );
  const result: FailedOperation[] = [];
  for (const operation of failed) {
    const nested =
      operation.resourceType === 'Microsoft.Resources/deployments' && depth < 5
        ? deploymentAddressOf(operation.resourceId ?? '')
        : undefined;
    const inner = nested ? await rootFailures(azure, nested, depth + 1).catch(() => []) : [];
    result.push(...(inner.length > 0 ? inner : [operation]));
  }
  return result;
}

function failureLines(failures: FailedOperation[]): string[] {
  return failures.map((f) => {
    const cause =
      f.causes.map((c) => `${c.code ? `${c.code}: ` : ''}${c.message}`).join('; ') || 'no message';
    return `${f.resourceType ?? 'resource'} ${f.resourceName ?? f.resourceId ?? '?'}: ${cause}`;
  });
}

/**
 * A failed deployment as the user needs it: the failing operations (through modules) in the log and the summary,
 * and one sentence naming the first. Answers the error to throw; `error` itself when no operation failed.
 */
export async function explainFailedDeployment(
  error: unknown,
  azure: OpenAzure,
  config: DeployConfig,
  platform: Platform,
): Promise<unknown> {
  return explainFailedOperations(
    error,
    azure,
    addressOf(config),
    `Deployment ${config.deploymentName}`,
    platform,
  );
}

/**
 * The failing operations of the deployment at `address` (a plain deployment, or the one a stack ran), in the log
 * and the summary, and one sentence naming the first; `error` itself when no operation failed.
 */
export async function explainFailedOperations(
  error: unknown,
  azure: OpenAzure,
  address: DeploymentAddress,
  what: string,
  platform: Platform,
): Promise<unknown> {
  const failures = await rootFailures(azure, address).catch(() => []);
  if (failures.length === 0) return error;
  const lines = failureLines(failures);
  // One error line ends the step; the operations go to the log and the summary.
  for (const line of lines) platform.log.info(`failed: ${line}`);
  const deployment = await readDeployment(azure, address.resourceGroup, address.name);
  await platform.summary.append(
    markdownHeading(`${what} failed`) +
      markdownTable(
        ['resource', 'error'],
        failures.map((f, i) => [f.resourceId ?? '?', lines[i]!]),
      ),
  );
  return new UserFacingError(
    `${what} failed: ${lines[0]!.replace(/\.$/, '')}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ''}. Fix the resource named and run again; the operations are listed in the job summary.`,
    deployment?.properties?.correlationId ? { correlationId: deployment.properties.correlationId } : {},
  );
}

/**
 * A validation (or what-if) that ARM refused: ARM's error tree in the log and the summary, and one sentence with
 * its root cause (a missing parameter, a malformed value), the way a failed deployment names its operation.
 */
export async function explainRefusedTemplate(
  error: unknown,
  what: 'Validation' | 'What-if',
  azure: OpenAzure,
  config: Pick<DeployConfig, 'deploymentName' | 'scope' | 'connection'> &
    Partial<Pick<DeployConfig, 'stack'>>,
  platform: Platform,
): Promise<unknown> {
  const last = azure.lastResponse();
  const errorBody = last?.errorBody;
  const body = errorBody ?? (error as { response?: { bodyAsText?: string } }).response?.bodyAsText;
  const tree = armErrorTreeLines(body);
  if (tree.length === 0) return error;
  const described = describeAzureError(error, {
    ...(body ? { errorBody: body } : {}),
    ...(last?.correlationId ? { correlationId: last.correlationId } : {}),
  });
  for (const line of tree) platform.log.info(`${what.toLowerCase()} error: ${line}`);
  await platform.summary.append(
    markdownHeading(`${what} of ${config.stack?.name ?? config.deploymentName} failed`) +
      '```text\n' +
      tree.join('\n').replace(/```/g, "'''") +
      '\n```\n',
  );
  return new UserFacingError(
    `${what} of ${config.stack?.name ?? config.deploymentName} in ${scopeLabel(config.scope, config.connection.subscriptionId)} failed: ${described.sentence}`,
    {
      ...(described.code ? { code: described.code } : {}),
      ...(described.correlationId ? { correlationId: described.correlationId } : {}),
      cause: error,
    },
  );
}
