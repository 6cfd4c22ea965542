import { randomUUID } from 'node:crypto';
import {
  ArmTemplateError,
  type PlannedResource,
  type RuntimeResolver,
  type TemplateExpansion,
} from '@azpn/arm-template';
import type { ArmContext } from '../../arm/arm-provider.js';
import { callProvider, type DeploymentCaller, type ProviderError } from './provider-call.js';
import {
  deploymentsOf,
  isoDuration,
  type DeploymentOperationRecord,
  type DeploymentRecord,
} from './deployment-record.js';
import { reportedOutputs, type DeploymentRequest } from './deployment-plan.js';
import { defaultApiVersionFor } from '../../arm/resource-providers.js';
import { concealerOf, type Concealer } from './secure-values.js';
import { storeResolver } from './runtime-state.js';

const failedMessage =
  'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.';

const statusNames: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  429: 'TooManyRequests',
  500: 'InternalServerError',
};

/** The deployment records of a run: the top one and one per nested deployment (Bicep module), by module path. */
type RecordsByPath = Map<string, DeploymentRecord>;

/** What the steps of one run share. */
interface DeploymentRun {
  context: ArmContext;
  caller: DeploymentCaller;
  records: RecordsByPath;
  expansion: TemplateExpansion;
  signal: AbortSignal;
  /** Hides the request's secure values in what the run records: providers' answers, errors. */
  conceal: Concealer;
}

function startOperation(
  context: ArmContext,
  record: DeploymentRecord,
  target: DeploymentOperationRecord['targetResource'],
): DeploymentOperationRecord {
  const operation: DeploymentOperationRecord = {
    operationId: randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase(),
    provisioningOperation: 'Create',
    provisioningState: 'Running',
    timestamp: new Date(context.now()).toISOString(),
    startedAt: context.now(),
    trackingId: randomUUID(),
    serviceRequestId: randomUUID(),
    targetResource: target,
  };
  record.operations.push(operation);
  return operation;
}

function finishOperation(
  { context, conceal }: DeploymentRun,
  operation: DeploymentOperationRecord,
  outcome: { ok: true; status: number; body: unknown } | { ok: false; status: number; error: ProviderError },
): void {
  operation.provisioningState = outcome.ok ? 'Succeeded' : 'Failed';
  operation.timestamp = new Date(context.now()).toISOString();
  operation.duration = isoDuration(context.now() - operation.startedAt);
  operation.statusCode = statusNames[outcome.status] ?? String(outcome.status);
  operation.statusMessage = conceal(outcome.ok ? outcome.body : { status: 'Failed', error: outcome.error });
}

/** The body ARM sends a provider: the finished request body of the planned resource. */
function requestBody(
  expansion: TemplateExpansion,
  resource: PlannedResource,
  resolver: RuntimeResolver,
): unknown {
  const body = resource.pending ? expansion.finishResource(resource.id, resolver) : resource.body;
  return JSON.parse(JSON.stringify(body)) as unknown;
}

async function deployResource(run: DeploymentRun, resource: PlannedResource): Promise<boolean> {
  const { context, caller, records, expansion, signal } = run;
  const record = records.get(resource.deploymentPath.join('/')) ?? records.get('')!;
  const operation = startOperation(context, record, {
    id: resource.id,
    resourceType: resource.type,
    resourceName: resource.name,
    apiVersion: resource.apiVersion,
  });
  let body: unknown;
  try {
    body = requestBody(expansion, resource, storeResolver(context, caller, expansion));
  } catch (error) {
    if (!(error instanceof ArmTemplateError)) throw error;
    finishOperation(run, operation, {
      ok: false,
      status: 400,
      error: { code: 'InvalidTemplate', message: error.message },
    });
    return false;
  }
  const outcome = await callProvider(
    context,
    caller,
    { method: 'PUT', id: resource.id, apiVersion: resource.apiVersion, body },
    signal,
  );
  finishOperation(run, operation, outcome);
  return outcome.ok;
}

/** ARM's `DeploymentFailed` error: one detail per failed operation, its provider error as a JSON string. */
function deploymentFailed(record: DeploymentRecord, records: RecordsByPath): ProviderError {
  const details: ProviderError[] = [];
  for (const operation of record.operations.filter((o) => o.provisioningState === 'Failed')) {
    const nested = [...records.values()].find(
      (r) => r.id.toLowerCase() === operation.targetResource.id.toLowerCase(),
    );
    if (nested?.error !== undefined) {
      details.push({ ...nested.error, target: nested.id });
      continue;
    }
    const error = (operation.statusMessage as { error: ProviderError }).error;
    details.push({
      code: operation.statusCode ?? 'BadRequest',
      target: operation.targetResource.id,
      message: JSON.stringify({ error }, null, 2).replaceAll('\n', '\r\n'),
    });
  }
  return { code: 'DeploymentFailed', target: record.id, message: failedMessage, details };
}

/** Creates the records of the nested deployments (Bicep modules) and their operations on their parents. */
function nestedRecords(
  context: ArmContext,
  top: DeploymentRecord,
  expansion: TemplateExpansion,
): RecordsByPath {
  const records: RecordsByPath = new Map([['', top]]);
  for (const nested of expansion.deployments) {
    const record: DeploymentRecord = {
      id: nested.id,
      name: nested.name,
      subscriptionId: nested.subscriptionId,
      resourceGroup: nested.resourceGroup,
      mode: 'Incremental',
      state: 'Running',
      correlationId: top.correlationId,
      startedAt: context.now(),
      templateHash: top.templateHash,
      parameters: {},
      outputResources: nested.resourceIds.map((id) => ({ id })),
      dependencies: [],
      providers: [],
      operations: [],
      abort: top.abort,
    };
    records.set([...nested.parentPath, nested.name].join('/'), record);
    deploymentsOf(context.store).set(nested.id.toLowerCase(), record);
  }
  return records;
}

/** Ends each nested deployment: Failed when one of its operations failed, else Succeeded, innermost first. */
function finishNested(run: DeploymentRun): void {
  const { context, records } = run;
  const paths = [...records.keys()].filter((p) => p !== '').sort((a, b) => b.length - a.length);
  for (const path of paths) {
    const record = records.get(path)!;
    const parentPath = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const parent = records.get(parentPath)!;
    const operation = startOperation(context, parent, {
      id: record.id,
      resourceType: 'Microsoft.Resources/deployments',
      resourceName: record.name,
    });
    operation.startedAt = record.startedAt;
    const failed = record.operations.some((o) => o.provisioningState === 'Failed');
    record.state = failed ? 'Failed' : record.abort.signal.aborted ? 'Canceled' : 'Succeeded';
    record.finishedAt = context.now();
    if (failed) record.error = deploymentFailed(record, records);
    finishOperation(
      run,
      operation,
      failed ? { ok: false, status: 400, error: record.error! } : { ok: true, status: 200, body: undefined },
    );
  }
}

/** Complete mode: deletes every resource of the target group that the template does not declare. */
async function deleteUndeclared(run: DeploymentRun, top: DeploymentRecord): Promise<boolean> {
  const { context, caller, expansion } = run;
  const declared = new Set(expansion.resources.filter((r) => r.condition).map((r) => r.id.toLowerCase()));
  const group = `/subscriptions/${top.subscriptionId}/resourceGroups/${top.resourceGroup}`;
  const extras = context.store
    .resourcesUnder(group)
    .filter((r) => r.id.split('/').length === 9 && !declared.has(r.id.toLowerCase()));
  const results = await Promise.all(
    extras.map(async (resource) => {
      const operation = startOperation(context, top, {
        id: resource.id,
        resourceType: resource.type,
        resourceName: resource.name,
      });
      operation.provisioningOperation = 'Delete';
      const outcome = await callProvider(context, caller, {
        method: 'DELETE',
        id: resource.id,
        apiVersion: defaultApiVersionFor(context, resource.type),
      });
      finishOperation(run, operation, outcome);
      return outcome.ok;
    }),
  );
  return results.every(Boolean);
}

/** Deploys the waves of the plan in order, a wave's resources in parallel, until one fails or the run is cancelled. */
async function deployWaves(run: DeploymentRun): Promise<boolean> {
  const byId = new Map(run.expansion.resources.map((r) => [r.id, r]));
  for (const wave of run.expansion.order) {
    if (run.signal.aborted) return true;
    const results = await Promise.all(wave.map((id) => deployResource(run, byId.get(id)!)));
    if (!results.every(Boolean)) return false;
  }
  return true;
}

/** The top record's end: the resources it created, and its state (with ARM's DeploymentFailed error). */
function finishTop(run: DeploymentRun, top: DeploymentRecord, ok: boolean): void {
  const records = [...run.records.values()];
  top.finishedAt = run.context.now();
  const created = new Set(
    records
      .flatMap((r) => r.operations)
      .filter((o) => o.provisioningState === 'Succeeded' && o.provisioningOperation === 'Create')
      .map((o) => o.targetResource.id),
  );
  top.outputResources = run.expansion.resources.filter((r) => created.has(r.id)).map((r) => ({ id: r.id }));
  if (run.signal.aborted) top.state = 'Canceled';
  else if (ok && records.every((r) => r.operations.every((o) => o.provisioningState === 'Succeeded')))
    top.state = 'Succeeded';
  else {
    top.state = 'Failed';
    top.error ??= deploymentFailed(top, run.records);
  }
}

/**
 * Runs a deployment as ARM's engine does: the waves of the plan in order, the resources of a wave in parallel,
 * each through its provider; stops scheduling after a failure or a cancel; then outputs, Complete-mode deletes
 * and the final state of every record. What it records passes through the request's concealer.
 */
export async function runDeployment(
  context: ArmContext,
  caller: DeploymentCaller,
  top: DeploymentRecord,
  request: DeploymentRequest,
  expansion: TemplateExpansion,
): Promise<void> {
  const records = nestedRecords(context, top, expansion);
  const conceal = concealerOf(request);
  const run: DeploymentRun = { context, caller, records, expansion, signal: top.abort.signal, conceal };
  top.state = 'Running';
  let ok: boolean;
  try {
    ok = await deployWaves(run);
    if (ok && !run.signal.aborted && top.mode === 'Complete') ok = await deleteUndeclared(run, top);
    finishNested(run);
    if (ok && !run.signal.aborted) {
      const values = expansion.finishOutputs(storeResolver(context, caller, expansion));
      top.outputs = reportedOutputs(request.template, values);
    }
  } catch (error) {
    ok = false;
    const message = error instanceof Error ? error.message : String(error);
    top.error = conceal({
      code: error instanceof ArmTemplateError ? error.code : 'InternalServerError',
      message,
    });
  }
  finishTop(run, top, ok);
}
