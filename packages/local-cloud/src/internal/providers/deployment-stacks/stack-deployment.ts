import { randomBytes } from 'node:crypto';
import type { ArmContext } from '../../arm/arm-provider.js';
import {
  callProvider,
  cloudPause,
  sendArmCall,
  type DeploymentCaller,
  type ProviderError,
} from '../../arm-calls/call-provider.js';
import type { StackRecord } from './stack-record.js';

/** The api-version a stack sends its deployments with. */
const deploymentsApiVersion = '2024-03-01';

/** What a stack's deployment ended with, read from the deployment's GET. */
export interface StackDeploymentResult {
  id: string;
  state: string;
  outputs?: Record<string, { type: string; value?: unknown }>;
  /** The resources it created or updated. */
  resourceIds: string[];
  error?: ProviderError;
}

/** The scope a stack deploys to: its resource group, or its subscription. */
export function stackScope(record: Pick<StackRecord, 'subscriptionId' | 'resourceGroup'>): string {
  const subscription = `/subscriptions/${record.subscriptionId}`;
  return record.resourceGroup === undefined
    ? subscription
    : `${subscription}/resourceGroups/${record.resourceGroup}`;
}

/**
 * The name of a stack's deployment: the stack's name (cut to 38 characters), the time and five hex digits, as the
 * stacks service names them, within the 64 characters a deployment name may have.
 */
function deploymentName(record: StackRecord, now: number): string {
  const time = new Date(now).toISOString().slice(0, 19).replace(/[T:]/g, '-');
  return `${record.name.slice(0, 38)}-${time}-${randomBytes(3).toString('hex').slice(0, 5)}`;
}

/** The body of the deployment (or deployment validation) a stack sends for its template and parameters. */
export function stackDeploymentBody(record: StackRecord): Record<string, unknown> {
  return {
    ...(record.resourceGroup === undefined ? { location: record.location } : {}),
    properties: { mode: 'Incremental', template: record.template, parameters: record.parameters },
  };
}

/** The id of a new deployment of the stack, at the stack's scope. */
export function newDeploymentId(context: ArmContext, record: StackRecord): string {
  return `${stackScope(record)}/providers/Microsoft.Resources/deployments/${deploymentName(record, context.now())}`;
}

function resultOf(id: string, body: Record<string, unknown> | undefined): StackDeploymentResult {
  const properties = (body?.properties ?? {}) as {
    provisioningState?: string;
    outputs?: StackDeploymentResult['outputs'];
    outputResources?: { id: string }[];
    error?: ProviderError;
  };
  return {
    id,
    state: properties.provisioningState ?? 'Failed',
    ...(properties.outputs === undefined ? {} : { outputs: properties.outputs }),
    resourceIds: (properties.outputResources ?? []).map((r) => r.id),
    ...(properties.error === undefined ? {} : { error: properties.error }),
  };
}

/**
 * Runs the stack's template as a deployment at the stack's scope, through ARM's own request path on the caller's
 * behalf (`caller.actingFor` is the stack, so its own deny assignments let it through), and waits for it to end.
 */
export async function runStackDeployment(
  context: ArmContext,
  caller: DeploymentCaller,
  record: StackRecord,
  id: string,
): Promise<StackDeploymentResult> {
  const request = { id, apiVersion: deploymentsApiVersion };
  const started = await callProvider(context, caller, {
    ...request,
    method: 'PUT',
    body: stackDeploymentBody(record),
  });
  if (!started.ok) return { id, state: 'Failed', resourceIds: [], error: started.error };
  for (;;) {
    const read = await callProvider(context, caller, { ...request, method: 'GET' });
    if (!read.ok) return { id, state: 'Failed', resourceIds: [], error: read.error };
    const result = resultOf(id, read.body);
    if (!['Accepted', 'Running'].includes(result.state)) return result;
    await cloudPause(context, 20);
  }
}

/** The deployment validation of the stack's template at its scope: the validated resource ids, or the error. */
export function validateStackDeployment(
  context: ArmContext,
  caller: DeploymentCaller,
  record: StackRecord,
): { ok: true; validated: { id: string }[] } | { ok: false; error: ProviderError } {
  const id = `${newDeploymentId(context, record)}/validate`;
  const outcome = sendArmCall(context, caller, {
    method: 'POST',
    id,
    apiVersion: deploymentsApiVersion,
    body: stackDeploymentBody(record),
  });
  if (!outcome.ok) return { ok: false, error: outcome.error };
  const properties = (outcome.body?.properties ?? {}) as { validatedResources?: { id: string }[] };
  return { ok: true, validated: properties.validatedResources ?? [] };
}

/** The resources whose operations failed in a deployment and its nested deployments, each with its error. */
export async function failedResourcesOf(
  context: ArmContext,
  caller: DeploymentCaller,
  deploymentId: string,
): Promise<{ id: string; error: ProviderError }[]> {
  const read = await callProvider(context, caller, {
    method: 'GET',
    id: `${deploymentId}/operations`,
    apiVersion: deploymentsApiVersion,
  });
  if (!read.ok) return [];
  type Listed = {
    properties: {
      provisioningState: string;
      statusMessage?: { error?: ProviderError };
      targetResource: { id: string; resourceType: string };
    };
  };
  const failed: { id: string; error: ProviderError }[] = [];
  for (const operation of ((read.body?.value ?? []) as Listed[]).filter(
    (o) => o.properties.provisioningState === 'Failed',
  )) {
    const target = operation.properties.targetResource;
    if (target.resourceType === 'Microsoft.Resources/deployments')
      failed.push(...(await failedResourcesOf(context, caller, target.id)));
    else {
      const error = operation.properties.statusMessage?.error ?? {
        code: 'ResourceDeploymentFailure',
        message: `The resource '${target.id}' failed.`,
      };
      failed.push({ id: target.id, error });
    }
  }
  return failed;
}
