import { randomUUID } from 'node:crypto';
import type { Exchange, Reply } from '../../http/exchange.js';
import { json, jsonBody } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import type { ArmRoute } from '../../arm/arm-provider.js';
import { armError, methodNotAllowed } from '../../arm/arm-error.js';
import { checkApiVersion, resourcesApiVersions } from '../../arm/api-versions.js';
import { acceptOperation, resourceManagerProtocol } from '../../arm/long-running.js';
import { normaliseLocation, resourceGroupMissing } from '../../arm/resource-groups.js';
import { serveDelete } from '../../arm/resource-delete.js';
import { firstOf, parseStateFilter } from '../../arm/list-filter.js';
import type { DeploymentCaller, ProviderError } from './provider-call.js';
import { deploymentTarget, type DeploymentPlace } from './deployment-target.js';
import { deploymentBody, deploymentsOf, operationBody, type DeploymentRecord } from './deployment-record.js';
import {
  planDeployment,
  readDeploymentRequest,
  reportedParameters,
  templateHash,
  type DeploymentRequest,
  type DeploymentTarget,
} from './deployment-plan.js';
import { runDeployment } from './deployment-run.js';
import { computeWhatIf } from './what-if.js';
import { concealerOf } from './secure-values.js';

/**
 * The deployments of a scope: `{scope}[/providers/Microsoft.Resources]/deployments[/{name}[/{action}[/{child}]]]`,
 * the scope a resource group (the provider segment optional, as ARM takes it) or a subscription (the provider
 * segment required: ARM serves no `/subscriptions/{id}/deployments`).
 */
const deploymentPath =
  /^(\/subscriptions\/([^/]+)(?:\/resourcegroups\/([^/]+))?)(\/providers\/microsoft\.resources)?\/deployments(?:\/([^/]+)(?:\/(operationstatuses|operations|validate|whatif|cancel|exporttemplate)(?:\/([^/]+))?)?)?$/i;

/** Where a deployments call points: the scope that holds the deployment, and what in it. */
export interface DeploymentAddress {
  subscriptionId: string;
  /** The resource group; absent at subscription scope. */
  resourceGroup?: string;
  name?: string;
  action?: string;
  child?: string;
}

/** Routes ARM's deployments service at resource-group and subscription scope. */
export function routeDeployments(exchange: Exchange, context: ArmContext): ArmRoute | undefined {
  const m = deploymentPath.exec(exchange.path);
  if (m === null || (m[3] === undefined && m[4] === undefined)) return undefined;
  const address: DeploymentAddress = {
    subscriptionId: m[2]!,
    ...(m[3] === undefined ? {} : { resourceGroup: m[3] }),
    ...(m[5] === undefined ? {} : { name: m[5] }),
    ...(m[6] === undefined ? {} : { action: m[6].toLowerCase() }),
    ...(m[7] === undefined ? {} : { child: m[7] }),
  };
  const reads = exchange.method === 'GET' || exchange.method === 'HEAD';
  const group = address.resourceGroup;
  return {
    operation: reads ? 'read' : 'write',
    subscriptionId: address.subscriptionId,
    run: () =>
      checkApiVersion(exchange, resourcesApiVersions) ??
      (group === undefined ? undefined : resourceGroupMissing(context, address.subscriptionId, group)) ??
      serve(exchange, context, address),
  };
}

function deploymentId(address: DeploymentAddress): string {
  return `${scopeIdOf(address)}/providers/Microsoft.Resources/deployments/${address.name}`;
}

/** The id of the scope the deployment runs in: its resource group, or its subscription. */
function scopeIdOf(address: DeploymentAddress): string {
  const subscription = `/subscriptions/${address.subscriptionId}`;
  return address.resourceGroup === undefined
    ? subscription
    : `${subscription}/resourceGroups/${address.resourceGroup}`;
}

function notFound(address: DeploymentAddress): Reply {
  return armError(404, 'DeploymentNotFound', `Deployment '${address.name}' could not be found.`);
}

function serve(exchange: Exchange, context: ArmContext, address: DeploymentAddress): Reply {
  const method = exchange.method;
  if (address.name === undefined) {
    if (method !== 'GET') return methodNotAllowed(exchange);
    const inState = parseStateFilter(exchange.query.get('$filter'));
    if (typeof inState !== 'function') return inState;
    const scope = scopeIdOf(address).toLowerCase() + '/providers/microsoft.resources/deployments/';
    const value = [...deploymentsOf(context.store).entries()]
      .filter(([key, record]) => key.startsWith(scope) && inState(record.state))
      .map(([, record]) => deploymentBody(record, context.now()));
    return json(200, { value: firstOf(value, exchange.query.get('$top')) });
  }
  const record = deploymentsOf(context.store).get(deploymentId(address).toLowerCase());
  switch (`${method} ${address.action ?? ''}`) {
    case 'GET ':
      return record === undefined ? notFound(address) : json(200, deploymentBody(record, context.now()));
    case 'HEAD ':
      return { status: record === undefined ? 404 : 204 };
    case 'PUT ':
      return startDeployment(exchange, context, address, record);
    case 'DELETE ':
      return deleteDeployment(exchange, context, address, record);
    case 'GET operationstatuses':
      return record === undefined ? notFound(address) : operationStatus(record);
    case 'GET operations':
      return record === undefined ? notFound(address) : operations(record, address.child);
    case 'POST validate':
      return validate(exchange, context, address);
    case 'POST whatif':
      return whatIf(exchange, context, address);
    case 'POST cancel':
      return cancel(record, address);
    case 'POST exporttemplate':
      return record === undefined
        ? notFound(address)
        : json(200, { template: exportedTemplates.get(record) });
    default:
      return methodNotAllowed(exchange);
  }
}

/** The template of each deployment, for `exportTemplate` (and the snapshot file). */
export const exportedTemplates = new WeakMap<DeploymentRecord, unknown>();

function badRequest(error: ProviderError): Reply {
  return json(400, { error: { details: [], ...error } });
}

type Prepared =
  | { reply: Reply }
  | {
      request: DeploymentRequest;
      target: DeploymentTarget;
      expansion: Exclude<ReturnType<typeof planDeployment>, ProviderError>;
    };

/** Reads and plans a deployment request; a bad body or template becomes ARM's 400. */
function prepare(exchange: Exchange, context: ArmContext, address: DeploymentAddress): Prepared {
  const request = readDeploymentRequest(jsonBody(exchange));
  if ('code' in request) return { reply: badRequest(request) };
  const target = deploymentTarget(context, placeOf(exchange, context, address), request);
  if ('code' in target) return { reply: badRequest(target) };
  const expansion = planDeployment(context, request, target);
  // The engine's errors may quote the value they failed on: a secure one stays hidden.
  if ('code' in expansion) return { reply: badRequest(concealerOf(request)(expansion)) };
  return { request, target, expansion };
}

function placeOf(exchange: Exchange, context: ArmContext, address: DeploymentAddress): DeploymentPlace {
  return {
    subscriptionId: address.subscriptionId,
    ...(address.resourceGroup === undefined ? {} : { resourceGroup: address.resourceGroup }),
    name: address.name!,
    tenantId: exchange.tenantId ?? context.scenario.tenants[0]!.id,
  };
}

/** Who a deployment acts for: the caller, and the service (a stack) that sent it on the caller's behalf. */
function callerOf(exchange: Exchange, correlationId: string): DeploymentCaller {
  return {
    principal: exchange.principal,
    tenantId: exchange.tenantId,
    ...(exchange.clientId === undefined ? {} : { clientId: exchange.clientId }),
    ...(exchange.actingFor === undefined ? {} : { actingFor: exchange.actingFor }),
    correlationId,
  };
}

function newRecord(
  context: ArmContext,
  exchange: Exchange,
  address: DeploymentAddress,
  request: DeploymentRequest,
): DeploymentRecord {
  return {
    id: deploymentId(address),
    name: address.name!,
    subscriptionId: address.subscriptionId,
    resourceGroup: address.resourceGroup ?? '',
    // ARM answers the location as it normalises it (`WestUS` → `westus`).
    ...(request.location === undefined ? {} : { location: normaliseLocation(request.location) }),
    ...(request.tags === undefined ? {} : { tags: request.tags }),
    mode: request.mode,
    state: 'Accepted',
    correlationId: exchange.correlationId,
    startedAt: context.now(),
    templateHash: templateHash(request.template),
    parameters: reportedParameters(request),
    outputResources: [],
    dependencies: [],
    providers: [],
    operations: [],
    abort: new AbortController(),
  };
}

function startDeployment(
  exchange: Exchange,
  context: ArmContext,
  address: DeploymentAddress,
  existing: DeploymentRecord | undefined,
): Reply {
  if (existing !== undefined && (existing.state === 'Running' || existing.state === 'Accepted')) {
    return armError(
      409,
      'DeploymentActive',
      `The deployment '${address.name}' is still active. Wait for it to finish or cancel it before deploying again.`,
    );
  }
  const prepared = prepare(exchange, context, address);
  if ('reply' in prepared) return prepared.reply;
  const { request, expansion } = prepared;
  const record = newRecord(context, exchange, address, request);
  const planned = new Map(expansion.resources.map((r) => [r.id.toLowerCase(), r]));
  // As ARM lists them: each dependency with its id, type and name (`BasicDependency`).
  const basic = (id: string) => {
    const target = planned.get(id.toLowerCase());
    return target ? { id, resourceType: target.type, resourceName: target.name } : { id };
  };
  record.dependencies = expansion.resources
    .filter((r) => r.condition)
    .map((r) => ({
      id: r.id,
      resourceType: r.type,
      resourceName: r.name,
      dependsOn: r.dependsOn.map(basic),
    }))
    .filter((d) => d.dependsOn.length > 0);
  record.providers = providersOf(expansion.resources.filter((r) => r.condition).map((r) => r.type));
  exportedTemplates.set(record, request.template);
  deploymentsOf(context.store).set(record.id.toLowerCase(), record);
  const caller = callerOf(exchange, record.correlationId);
  void runDeployment(context, caller, record, request, expansion).catch((error: unknown) => {
    record.state = 'Failed';
    record.error = concealerOf(request)({ code: 'InternalServerError', message: (error as Error).message });
  });
  const statusUrl = `${context.resourceManager}${record.id.slice(1)}/operationStatuses/${randomUUID().replaceAll('-', '').toUpperCase()}?api-version=${exchange.query.get('api-version')}`;
  return json(existing === undefined ? 201 : 200, deploymentBody(record, context.now()), {
    'azure-asyncoperation': statusUrl,
  });
}

function providersOf(types: string[]): DeploymentRecord['providers'] {
  const byNamespace = new Map<string, Set<string>>();
  for (const type of types) {
    const [namespace = '', ...rest] = type.split('/');
    if (!byNamespace.has(namespace)) byNamespace.set(namespace, new Set());
    byNamespace.get(namespace)!.add(rest.join('/'));
  }
  return [...byNamespace].map(([namespace, set]) => ({
    namespace,
    resourceTypes: [...set].map((resourceType) => ({ resourceType, locations: [] })),
  }));
}

/**
 * `GET …/operationStatuses/{id}`: the deployment's state, with its error once it failed. ARM sends no
 * Retry-After here (nor on the PUT): the client picks its own polling interval.
 */
function operationStatus(record: DeploymentRecord): Reply {
  return json(200, { status: record.state, ...(record.error === undefined ? {} : { error: record.error }) });
}

function operations(record: DeploymentRecord, operationId: string | undefined): Reply {
  if (operationId === undefined)
    return json(200, { value: record.operations.map((o) => operationBody(record, o)) });
  const found = record.operations.find((o) => o.operationId === operationId);
  if (found === undefined) {
    return armError(
      404,
      'DeploymentOperationNotFound',
      `Deployment operation '${operationId}' could not be found.`,
    );
  }
  return json(200, operationBody(record, found));
}

function deleteDeployment(
  exchange: Exchange,
  context: ArmContext,
  address: DeploymentAddress,
  record: DeploymentRecord | undefined,
): Reply {
  const refuse = (found: DeploymentRecord) =>
    found.state === 'Running' || found.state === 'Accepted'
      ? armError(409, 'DeploymentActive', `The deployment '${address.name}' is active and cannot be deleted.`)
      : undefined;
  const { subscriptionId } = address;
  return serveDelete<DeploymentRecord>(exchange, context, {
    find: () => record,
    refuse,
    operation: (found) => {
      const complete = () => deploymentsOf(context.store).delete(found.id.toLowerCase());
      return { protocol: resourceManagerProtocol, request: { subscriptionId, complete } };
    },
  });
}

/** `POST …/validate`: 200 with the resources the deployment would create, or 400 InvalidTemplateDeployment. */
function validate(exchange: Exchange, context: ArmContext, address: DeploymentAddress): Reply {
  const prepared = prepare(exchange, context, address);
  if ('reply' in prepared) {
    const reply = prepared.reply as { status: number; body: { error: ProviderError } };
    const inner = reply.body.error;
    return badRequest({
      code: 'InvalidTemplateDeployment',
      message: `The template deployment '${address.name}' is not valid according to the validation procedure. The tracking id is '${exchange.requestId}'. See inner errors for details.`,
      details: [inner],
    });
  }
  const record = newRecord(context, exchange, address, prepared.request);
  record.state = 'Succeeded';
  record.finishedAt = context.now();
  record.validatedResources = [
    ...prepared.expansion.deployments.map((d) => ({ id: d.id })),
    ...prepared.expansion.resources.filter((r) => r.condition).map((r) => ({ id: r.id })),
  ];
  record.providers = providersOf(prepared.expansion.resources.filter((r) => r.condition).map((r) => r.type));
  return json(200, deploymentBody(record, context.now()));
}

/** `POST …/whatIf`: 202 with a subscription-level Location whose result lists the changes. */
function whatIf(exchange: Exchange, context: ArmContext, address: DeploymentAddress): Reply {
  const prepared = prepare(exchange, context, address);
  if ('reply' in prepared) return prepared.reply;
  const caller = callerOf(exchange, exchange.correlationId);
  let changes: ReturnType<typeof computeWhatIf> | undefined;
  let failure: ProviderError | undefined;
  const complete = () => {
    try {
      changes = computeWhatIf(context, caller, prepared.expansion, {
        subscriptionId: address.subscriptionId,
        ...(prepared.target.resourceGroup === undefined
          ? {}
          : { resourceGroup: prepared.target.resourceGroup }),
        mode: prepared.request.mode,
      });
    } catch (error) {
      failure = { code: 'InvalidTemplate', message: (error as Error).message };
    }
  };
  // The declared bodies carry the secure values the template puts in them; the result hides them.
  const conceal = concealerOf(prepared.request);
  const result = () =>
    conceal(
      failure === undefined
        ? { status: 'Succeeded', properties: { changes } }
        : { status: 'Failed', error: failure },
    );
  const { subscriptionId } = address;
  return acceptOperation(exchange, context, resourceManagerProtocol, { subscriptionId, complete, result });
}

function cancel(record: DeploymentRecord | undefined, address: DeploymentAddress): Reply {
  if (record === undefined) return notFound(address);
  if (record.state !== 'Running' && record.state !== 'Accepted') {
    return armError(
      409,
      'DeploymentCannotBeCancelled',
      `The deployment '${address.name}' is ${record.state} and can no longer be cancelled.`,
    );
  }
  record.abort.abort();
  record.state = 'Canceled';
  return { status: 204 };
}
