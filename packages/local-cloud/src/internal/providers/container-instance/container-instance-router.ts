import type { Exchange, Reply } from '../../http/exchange.js';
import { json } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import type { ArmRoute } from '../../arm/arm-provider.js';
import { methodNotAllowed } from '../../arm/arm-error.js';
import { checkApiVersion } from '../../arm/api-versions.js';
import * as generic from '../../arm/generic-resources.js';
import { resourceGroupMissing } from '../../arm/resource-groups.js';
import {
  changeGroupState,
  deleteContainerGroup,
  execInGroup,
  putContainerGroup,
  readGroups,
  serveContainerOperation,
  type GroupAddress,
} from './container-groups.js';

/** The api-versions of Microsoft.ContainerInstance the cloud accepts. */
export const containerInstanceApiVersions = [
  '2025-09-01',
  '2024-10-01-preview',
  '2023-05-01',
  '2023-02-01-preview',
  '2022-10-01-preview',
  '2022-09-01',
  '2021-10-01',
  '2021-09-01',
  '2021-07-01',
  '2021-03-01',
  '2020-11-01',
  '2019-12-01',
  '2018-10-01',
];

const namespace = '/providers/microsoft\\.containerinstance/';
const operationPath = new RegExp(
  `^/subscriptions/([^/]+)${namespace}locations/[^/]+/operations/([^/]+)$`,
  'i',
);
const listPath = new RegExp(
  `^/subscriptions/([^/]+)(/resourcegroups/[^/]+)?${namespace}containergroups$`,
  'i',
);
const groupPath = new RegExp(
  `^/subscriptions/([^/]+)/resourcegroups/([^/]+)${namespace}containergroups/([^/]+)(?:/(start|stop|restart)|/containers/([^/]+)/(exec|logs))?$`,
  'i',
);

/** Routes Microsoft.ContainerInstance: container groups, their start/stop/restart, exec and operations. */
export function routeContainerInstance(exchange: Exchange, context: ArmContext): ArmRoute | undefined {
  const { method, path } = exchange;
  const versioned = (run: () => Reply) => () =>
    checkApiVersion(exchange, containerInstanceApiVersions) ?? run();
  let m = operationPath.exec(path);
  if (m !== null && method === 'GET') {
    const [, sub = '', id = ''] = m;
    return {
      operation: 'read',
      subscriptionId: sub,
      byProvider: true,
      run: versioned(() => serveContainerOperation(context, sub, id)),
    };
  }
  m = listPath.exec(path);
  if (m !== null && method === 'GET') {
    const scope = `/subscriptions/${m[1]}${m[2] ?? ''}`;
    return {
      operation: 'read',
      subscriptionId: m[1]!,
      byProvider: true,
      run: versioned(() => readGroups(context, { scope })),
    };
  }
  m = groupPath.exec(path);
  if (m === null) return undefined;
  const [, sub = '', rg = '', name = '', action, container, containerAction] = m;
  const address: GroupAddress = {
    subscriptionId: sub,
    resourceGroup: rg,
    name,
    id: path.replace(/\/(start|stop|restart|containers\/.*)$/i, ''),
  };
  const scoped = (run: () => Reply) => versioned(() => resourceGroupMissing(context, sub, rg) ?? run());
  let run: () => Reply;
  if (action !== undefined)
    run =
      method === 'POST'
        ? () => changeGroupState(exchange, context, address, action.toLowerCase())
        : () => methodNotAllowed(exchange);
  else if (containerAction?.toLowerCase() === 'exec')
    run =
      method === 'POST'
        ? () => execInGroup(exchange, context, address, container!)
        : () => methodNotAllowed(exchange);
  else if (containerAction !== undefined)
    run = method === 'GET' ? () => json(200, { content: '' }) : () => methodNotAllowed(exchange);
  else {
    const handlers: Record<string, () => Reply> = {
      GET: () => readGroups(context, address),
      PUT: () => putContainerGroup(exchange, context, address),
      DELETE: () => deleteContainerGroup(context, address),
      PATCH: () =>
        generic.patchResource(exchange, context, {
          ...address,
          namespace: 'Microsoft.ContainerInstance',
          type: 'Microsoft.ContainerInstance/containerGroups',
        }),
    };
    run = handlers[method] ?? (() => methodNotAllowed(exchange));
  }
  const operation =
    method === 'GET' ? 'read' : method === 'PUT' || action !== undefined ? 'longRunning' : 'write';
  return { operation, subscriptionId: sub, byProvider: true, run: scoped(run) };
}
