import type { Exchange, Reply } from '../../http/exchange.js';
import { json } from '../../http/exchange.js';
import type { ArmContext, ArmRoute } from '../../arm/arm-provider.js';
import { methodNotAllowed } from '../../arm/arm-error.js';
import { checkApiVersion } from '../../arm/api-versions.js';
import { resourceGroupMissing } from '../../arm/resource-groups.js';
import { stackOperationStatus } from './stack-operation.js';
import { stacksOf, stackBody } from './stack-record.js';
import { deleteStackCall, notFound, putStack, validateStack } from './stack-calls.js';
import { stackId, type StackAddress } from './stack-address.js';

/** The api-versions of Microsoft.Resources/deploymentStacks. */
export const stacksApiVersions = ['2025-07-01', '2024-03-01', '2022-08-01-preview'];

const stackPath =
  /^\/subscriptions\/([^/]+)(?:\/resourcegroups\/([^/]+))?\/providers\/microsoft\.resources\/deploymentstacks(?:\/([^/]+)(?:\/(validate|exporttemplate))?)?$/i;
const statusPath =
  /^\/subscriptions\/([^/]+)\/providers\/microsoft\.resources\/locations\/[^/]+\/deploymentstackoperationstatus\/([^/]+)$/i;

/** Routes the stacks service: stacks at resource-group and subscription scope, and their operation statuses. */
export function routeStacks(exchange: Exchange, context: ArmContext): ArmRoute | undefined {
  const version = () => checkApiVersion(exchange, stacksApiVersions);
  const status = statusPath.exec(exchange.path);
  if (status !== null && exchange.method === 'GET') {
    const [, subscriptionId = '', id = ''] = status;
    return {
      operation: 'read',
      subscriptionId,
      run: () => version() ?? stackOperationStatus(context, subscriptionId, id),
    };
  }
  const m = stackPath.exec(exchange.path);
  if (m === null) return undefined;
  const address: StackAddress = {
    subscriptionId: m[1]!,
    ...(m[2] === undefined ? {} : { resourceGroup: m[2] }),
    ...(m[3] === undefined ? {} : { name: m[3] }),
    ...(m[4] === undefined ? {} : { action: m[4].toLowerCase() as StackAddress['action'] }),
  };
  const group = address.resourceGroup;
  const reads = exchange.method === 'GET' || exchange.method === 'HEAD';
  return {
    operation: reads ? 'read' : exchange.method === 'POST' ? 'write' : 'longRunning',
    subscriptionId: address.subscriptionId,
    byProvider: true,
    run: () =>
      version() ??
      (group === undefined ? undefined : resourceGroupMissing(context, address.subscriptionId, group)) ??
      serve(exchange, context, address),
  };
}

function listStacks(context: ArmContext, address: StackAddress): Reply {
  const prefix = stackId({ ...address, name: '' }).toLowerCase();
  const value = [...stacksOf(context.store).entries()]
    .filter(([key]) => key.startsWith(prefix) && !key.slice(prefix.length).includes('/'))
    .map(([, record]) => stackBody(record));
  return json(200, { value });
}

function serve(exchange: Exchange, context: ArmContext, address: StackAddress): Reply {
  if (address.name === undefined)
    return exchange.method === 'GET' ? listStacks(context, address) : methodNotAllowed(exchange);
  const record = stacksOf(context.store).get(stackId(address).toLowerCase());
  switch (`${exchange.method} ${address.action ?? ''}`) {
    case 'GET ':
      return record === undefined ? notFound(address) : json(200, stackBody(record));
    case 'PUT ':
      return putStack(exchange, context, address, record);
    case 'DELETE ':
      return deleteStackCall(exchange, context, record);
    case 'POST validate':
      return validateStack(exchange, context, address);
    case 'POST exporttemplate':
      return record === undefined ? notFound(address) : json(200, { template: record.template });
    default:
      return methodNotAllowed(exchange);
  }
}
