import type { ArmContext } from '../../arm/arm-provider.js';
import type { DeploymentCaller, ProviderError } from '../../arm-calls/call-provider.js';
import { isoDuration } from '../../arm/iso-duration.js';
import { failedResourcesOf, newDeploymentId, runStackDeployment } from './stack-deployment.js';
import { releaseResources, type Released } from './stack-release.js';
import type { StackOperation } from './stack-operation.js';
import {
  reportedParameters,
  stacksOf,
  type ActionOnUnmanage,
  type ManagedResource,
  type StackRecord,
} from './stack-record.js';

/** One run of a stack: the cloud, the stack, its operation and the caller it acts for. */
export interface StackRun {
  context: ArmContext;
  record: StackRecord;
  operation: StackOperation;
  /** The caller, with the stack as the service acting for it. */
  caller: DeploymentCaller;
}

function managed(record: StackRecord, id: string): ManagedResource {
  return { id, status: 'managed', denyStatus: record.denySettings.mode };
}

function sameIds(ids: string[]): (id: string) => boolean {
  const set = new Set(ids.map((id) => id.toLowerCase()));
  return (id) => set.has(id.toLowerCase());
}

/** Ends the run: the stack's state and error on its operation, and how long the run took. */
function finish(run: StackRun, error: ProviderError | undefined): void {
  const { record, operation, context } = run;
  record.state = error === undefined ? 'succeeded' : 'failed';
  if (error === undefined) {
    delete record.error;
    record.duration = isoDuration(context.now() - record.startedAt);
  } else record.error = error;
  operation.status = record.state;
  if (error !== undefined) operation.error = error;
}

function deleteFailed(record: StackRecord, released: Released): ProviderError | undefined {
  if (released.failed.length === 0) return undefined;
  return {
    code: 'DeploymentStackDeleteResourcesFailed',
    message: `One or more resources could not be deleted. Correlation id: '${record.correlationId}'.`,
    details: released.failed.map((f) => ({ ...f.error, target: f.id })),
  };
}

/** Records what the release did, and keeps managing what it failed to delete. */
function applyReleased(record: StackRecord, kept: ManagedResource[], released: Released): void {
  record.resources = [
    ...kept,
    ...released.failed.map((f) => ({ ...managed(record, f.id), status: 'deleteFailed' as const })),
  ];
  record.deletedResources = released.deleted;
  record.detachedResources = released.detached;
  record.failedResources = released.failed;
}

/**
 * Creates or updates a stack, as the stacks service does: deploys the template at the stack's scope, then manages
 * what the deployment created, lets go of what the previous version managed and this one no longer has (per
 * `actionOnUnmanage`), and keeps its deny assignments on what it manages. A failed deployment leaves the unmanaged
 * resources alone and keeps managing them.
 */
export async function runStack(run: StackRun, previous: ManagedResource[]): Promise<void> {
  const { context, record, caller } = run;
  record.state = 'deploying';
  run.operation.status = 'deploying';
  record.deploymentId = newDeploymentId(context, record);
  const deployed = await runStackDeployment(context, caller, record, record.deploymentId);
  // The deployment has the secure values now; the stack keeps none of them.
  record.parameters = reportedParameters(record);
  if (deployed.state !== 'Succeeded') {
    const created = deployed.resourceIds.filter((id) => !sameIds(previous.map((p) => p.id))(id));
    record.resources = [...previous, ...created.map((id) => managed(record, id))];
    record.failedResources = await failedResourcesOf(context, caller, deployed.id);
    record.deletedResources = [];
    record.detachedResources = [];
    finish(run, {
      code: 'DeploymentStackDeploymentFailed',
      message: `One or more stages of deploymentStack deployment failed. Correlation id: '${record.correlationId}'.`,
      details: deployed.error === undefined ? [] : [deployed.error],
    });
    return;
  }
  if (deployed.outputs !== undefined) record.outputs = deployed.outputs;
  const declared = sameIds(deployed.resourceIds);
  const unmanaged = previous.map((p) => p.id).filter((id) => !declared(id));
  record.state = 'deletingResources';
  run.operation.status = 'deletingResources';
  const released = await releaseResources(context, caller, unmanaged, record.actionOnUnmanage);
  applyReleased(
    record,
    deployed.resourceIds.map((id) => managed(record, id)),
    released,
  );
  finish(run, deleteFailed(record, released));
}

/**
 * Deletes a stack: lets go of everything it manages per the delete's `unmanageAction` flags (detach by default), then
 * removes the stack and with it its deny assignments. A delete that fails leaves the stack, failed, managing what is
 * left.
 */
export async function deleteStack(run: StackRun, action: ActionOnUnmanage): Promise<void> {
  const { context, record, caller } = run;
  record.state = 'deletingResources';
  run.operation.status = 'deletingResources';
  const released = await releaseResources(
    context,
    caller,
    record.resources.map((r) => r.id),
    action,
  );
  const error = deleteFailed(record, released);
  if (error !== undefined) {
    applyReleased(record, [], released);
    finish(run, error);
    return;
  }
  stacksOf(context.store).delete(record.id.toLowerCase());
  run.operation.status = 'succeeded';
}
