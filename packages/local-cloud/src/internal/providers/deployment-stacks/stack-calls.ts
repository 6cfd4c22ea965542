import type { Exchange, Reply } from '../../http/exchange.js';
import { json, jsonBody } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import { normaliseLocation } from '../../arm/resource-groups.js';
import { withoutNullMembers } from '../../arm/null-members.js';
import type { DeploymentCaller, ProviderError } from '../../arm-calls/call-provider.js';
import { readStackRequest, type StackRequest } from './stack-request.js';
import {
  isRunning,
  reportedParameters,
  stackBody,
  stacksOf,
  type ActionOnUnmanage,
  type StackRecord,
} from './stack-record.js';
import { startStackOperation } from './stack-operation.js';
import { deleteStack, runStack, type StackRun } from './stack-run.js';
import { validateStackDeployment } from './stack-deployment.js';
import { stackId, type StackAddress } from './stack-address.js';

const namePattern = /^[-\w._()]{1,90}$/;

/** 404 for a stack that does not exist. */
export function notFound(address: StackAddress): Reply {
  return armError(
    404,
    'DeploymentStackNotFound',
    `The deployment stack '${stackId(address)}' could not be found.`,
  );
}

function badRequest(error: ProviderError): Reply {
  return json(400, { error: { details: [], ...error } });
}

/** The stack's caller: the principal that sent the call, the stack acting for it. */
function callerOf(exchange: Exchange, id: string): DeploymentCaller {
  return {
    principal: exchange.principal,
    tenantId: exchange.tenantId,
    ...(exchange.clientId === undefined ? {} : { clientId: exchange.clientId }),
    actingFor: id,
    correlationId: exchange.correlationId,
  };
}

/** A subscription stack's location: required, and one the cloud serves. */
function stackLocationError(context: ArmContext, request: StackRequest): ProviderError | undefined {
  if (request.location === undefined || request.location === '')
    return { code: 'LocationRequired', message: 'The location property is required for this definition.' };
  if (!context.scenario.locations.includes(normaliseLocation(request.location))) {
    return {
      code: 'LocationNotAvailableForResourceType',
      message: `The provided location '${request.location}' is not available for resource type 'Microsoft.Resources/deploymentStacks'. List of available regions is '${context.scenario.locations.join(',')}'.`,
    };
  }
  return undefined;
}

/** The body's faults and the address's, before anything is stored; the checked request otherwise. */
function readChecked(exchange: Exchange, context: ArmContext, address: StackAddress): StackRequest | Reply {
  if (!namePattern.test(address.name ?? '')) {
    return badRequest({
      code: 'InvalidResourceName',
      message: `The deployment stack name '${address.name}' is not valid; use 1-90 letters, digits, '-', '.', '_', '(' or ')'.`,
    });
  }
  const request = readStackRequest(withoutNullMembers(jsonBody(exchange)));
  if ('code' in request) return badRequest(request);
  const located = address.resourceGroup === undefined ? stackLocationError(context, request) : undefined;
  return located === undefined ? request : badRequest(located);
}

/**
 * The stacks service's protection of a stack whose resource list may be stale (its last run failed or was cancelled):
 * a run that deletes what it lets go is refused unless the caller bypasses the check.
 */
function outOfSync(
  existing: StackRecord | undefined,
  action: ActionOnUnmanage,
  bypass: boolean,
): Reply | undefined {
  if (existing === undefined || bypass || existing.state === 'succeeded') return undefined;
  if (action.resources !== 'delete' && action.resourceGroups !== 'delete') return undefined;
  return badRequest({
    code: 'DeploymentStackOutOfSync',
    message: `The deployment stack '${existing.name}' might not have an accurate list of managed resources: its last operation ended '${existing.state}'. To prevent resources from being accidentally deleted, redeploy the stack with the same template and parameters as its current iteration, or to bypass this check set 'bypassStackOutOfSyncError'.`,
  });
}

function inProgress(existing: StackRecord): Reply {
  return armError(
    409,
    'DeploymentStackInProgress',
    `The deployment stack '${existing.name}' is '${existing.state}'; wait for its operation to end before changing it.`,
  );
}

function newRecord(
  exchange: Exchange,
  context: ArmContext,
  address: StackAddress,
  request: StackRequest,
  existing: StackRecord | undefined,
): StackRecord {
  const location =
    address.resourceGroup === undefined
      ? (existing?.location ?? normaliseLocation(request.location!))
      : undefined;
  return {
    id: existing?.id ?? stackId(address),
    name: existing?.name ?? address.name!,
    subscriptionId: address.subscriptionId,
    ...(address.resourceGroup === undefined ? {} : { resourceGroup: address.resourceGroup }),
    ...(location === undefined ? {} : { location }),
    ...(request.tags === undefined ? {} : { tags: request.tags }),
    ...(request.description === undefined ? {} : { description: request.description }),
    template: request.template,
    parameters: request.parameters,
    actionOnUnmanage: request.actionOnUnmanage,
    denySettings: request.denySettings,
    bypassStackOutOfSyncError: request.bypassStackOutOfSyncError,
    state: existing === undefined ? 'creating' : 'deploying',
    correlationId: exchange.correlationId,
    startedAt: context.now(),
    resources: existing?.resources ?? [],
    deletedResources: [],
    detachedResources: [],
    failedResources: [],
  };
}

function failedRun(run: StackRun): (error: unknown) => void {
  return (error) => {
    run.record.parameters = reportedParameters(run.record);
    run.record.state = 'failed';
    run.record.error = { code: 'InternalServerError', message: (error as Error).message };
    run.operation.status = 'failed';
    run.operation.error = run.record.error;
  };
}

/** `PUT …/deploymentStacks/{name}`: 201 (created) or 200 (updated) with the stack and `Azure-AsyncOperation`. */
export function putStack(
  exchange: Exchange,
  context: ArmContext,
  address: StackAddress,
  existing: StackRecord | undefined,
): Reply {
  if (existing !== undefined && isRunning(existing)) return inProgress(existing);
  const request = readChecked(exchange, context, address);
  if (!('template' in request)) return request;
  const refused = outOfSync(existing, request.actionOnUnmanage, request.bypassStackOutOfSyncError);
  if (refused !== undefined) return refused;
  const record = newRecord(exchange, context, address, request, existing);
  const previous = record.resources;
  stacksOf(context.store).set(record.id.toLowerCase(), record);
  const { operation, headers } = startStackOperation(
    context,
    record,
    exchange.query.get('api-version') ?? '',
  );
  const run: StackRun = { context, record, operation, caller: callerOf(exchange, record.id) };
  const answered = stackBody(record);
  void runStack(run, previous).catch(failedRun(run));
  return json(existing === undefined ? 201 : 200, answered, headers);
}

function deleteAction(exchange: Exchange): ActionOnUnmanage | Reply {
  const read = (name: string): 'delete' | 'detach' | undefined | Reply => {
    const value = exchange.query.get(name);
    if (value === null) return undefined;
    if (value === 'delete' || value === 'detach') return value;
    return badRequest({
      code: 'InvalidQueryParameterValue',
      message: `The value '${value}' of the query parameter '${name}' is not valid; use 'delete' or 'detach'.`,
    });
  };
  const resources = read('unmanageAction.Resources');
  const resourceGroups = read('unmanageAction.ResourceGroups');
  if (typeof resources === 'object') return resources;
  if (typeof resourceGroups === 'object') return resourceGroups;
  return { resources: resources ?? 'detach', ...(resourceGroups === undefined ? {} : { resourceGroups }) };
}

/** `DELETE …/deploymentStacks/{name}`: 204 when absent, else 202 with `Azure-AsyncOperation` and an empty body. */
export function deleteStackCall(
  exchange: Exchange,
  context: ArmContext,
  record: StackRecord | undefined,
): Reply {
  if (record === undefined) return { status: 204 };
  if (isRunning(record)) return inProgress(record);
  const action = deleteAction(exchange);
  if (!('resources' in action)) return action;
  const refused = outOfSync(record, action, exchange.query.get('bypassStackOutOfSyncError') === 'true');
  if (refused !== undefined) return refused;
  record.state = 'deleting';
  record.correlationId = exchange.correlationId;
  const { operation, headers } = startStackOperation(
    context,
    record,
    exchange.query.get('api-version') ?? '',
  );
  const run: StackRun = { context, record, operation, caller: callerOf(exchange, record.id) };
  void deleteStack(run, action).catch(failedRun(run));
  return { status: 202, headers };
}

/** `POST …/deploymentStacks/{name}/validate`: 200 with what would be deployed, or 400 with the validation's error. */
export function validateStack(exchange: Exchange, context: ArmContext, address: StackAddress): Reply {
  const request = readChecked(exchange, context, address);
  if (!('template' in request)) return request;
  const record = newRecord(exchange, context, address, request, undefined);
  const validated = validateStackDeployment(context, callerOf(exchange, record.id), record);
  if (!validated.ok) return badRequest(validated.error);
  const body = stackBody(record) as { properties: Record<string, unknown> };
  return json(200, {
    id: record.id,
    name: record.name,
    type: 'Microsoft.Resources/deploymentStacks',
    properties: {
      actionOnUnmanage: record.actionOnUnmanage,
      denySettings: record.denySettings,
      correlationId: record.correlationId,
      ...(record.description === undefined ? {} : { description: record.description }),
      parameters: body.properties.parameters,
      ...(record.resourceGroup === undefined
        ? { deploymentScope: `/subscriptions/${record.subscriptionId}` }
        : {}),
      validatedResources: validated.validated,
    },
  });
}
