import type { Exchange, Reply } from '../../http/exchange.js';
import { json } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import type { ArmRoute } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import { checkProviderApiVersion, missingApiVersion } from '../../arm/api-versions.js';
import { parseResourceAddress } from '../../arm/generic-resources.js';
import { resourceGroupMissing } from '../../arm/resource-groups.js';
import { serveComputeOperation } from './compute-operation.js';
import { instancesOf, interfacesOf } from './scale-set-instances.js';
import {
  deleteScaleSet,
  instanceView,
  patchScaleSet,
  presentScaleSet,
  putScaleSet,
  scaleSetInstanceView,
} from './scale-sets.js';

/** Compute api-versions the cloud accepts for scale sets (the Network ones for their NICs are not checked). */
export const computeApiVersions = [
  '2024-11-01',
  '2024-07-01',
  '2024-03-01',
  '2023-09-01',
  '2023-07-01',
  '2023-03-01',
  '2022-11-01',
  '2022-08-01',
  '2022-03-01',
  '2021-11-01',
  '2021-07-01',
];

const operationPath =
  /^\/subscriptions\/([^/]+)\/providers\/microsoft\.compute\/locations\/[^/]+\/operations\/([^/]+)$/i;
const listPath =
  /^\/subscriptions\/([^/]+)(\/resourcegroups\/[^/]+)?\/providers\/microsoft\.compute\/virtualmachinescalesets$/i;
const scaleSetPath =
  /^(\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/virtualmachinescalesets\/([^/]+))(\/.*)?$/i;

/** The api-version check of a call; a scale set NIC call takes the Network provider's versions, unchecked here. */
function checkVersion(exchange: Exchange, context: ArmContext, networkCall: boolean): Reply | undefined {
  if (networkCall) return exchange.query.get('api-version') ? undefined : missingApiVersion();
  const type = 'Microsoft.Compute/virtualMachineScaleSets';
  return checkProviderApiVersion(exchange, type, computeApiVersions, context.scenario.locations);
}

function notFound(what: string): Reply {
  return armError(404, 'ResourceNotFound', `The Resource '${what}' was not found.`);
}

/** Routes the calls of Microsoft.Compute the cloud emulates: VM scale sets, their instances and NICs. */
export function routeCompute(exchange: Exchange, context: ArmContext): ArmRoute | undefined {
  const { method, path } = exchange;
  let m: RegExpExecArray | null;
  if ((m = operationPath.exec(path)) && method === 'GET') {
    const [, sub = '', id = ''] = m;
    return {
      operation: 'read',
      subscriptionId: sub,
      byProvider: true,
      run: () => checkVersion(exchange, context, false) ?? serveComputeOperation(exchange, context, sub, id),
    };
  }
  if ((m = listPath.exec(path)) && method === 'GET') {
    const [, sub = '', rgPart] = m;
    const scope = `/subscriptions/${sub}${rgPart ?? ''}`;
    const list = () =>
      json(200, {
        value: context.store
          .resourcesUnder(scope)
          .filter((r) => r.type === 'Microsoft.Compute/virtualMachineScaleSets')
          .map(presentScaleSet),
      });
    return {
      operation: 'read',
      subscriptionId: sub,
      byProvider: true,
      run: () => checkVersion(exchange, context, false) ?? list(),
    };
  }
  if ((m = scaleSetPath.exec(path)) === null) return undefined;
  const [, scaleSetPathText = '', sub = '', , , rest = ''] = m;
  const address = parseResourceAddress(scaleSetPathText)!;
  const networkCall = /\/networkinterfaces/i.test(rest);
  const handler = scaleSetHandler(exchange, context, address, rest);
  if (handler === undefined) return undefined;
  return {
    operation: method === 'GET' ? 'read' : 'longRunning',
    subscriptionId: sub,
    byProvider: true,
    run: () =>
      checkVersion(exchange, context, networkCall) ??
      resourceGroupMissing(context, address.subscriptionId, address.resourceGroup) ??
      handler(),
  };
}

function scaleSetHandler(
  exchange: Exchange,
  context: ArmContext,
  address: NonNullable<ReturnType<typeof parseResourceAddress>>,
  rest: string,
): (() => Reply) | undefined {
  const record = () => context.store.resources.get(address.id.toLowerCase());
  const missing = () => notFound(`Microsoft.Compute/virtualMachineScaleSets/${address.name}`);
  const { method } = exchange;
  if (rest === '' || rest === '/') {
    if (method === 'PUT') return () => putScaleSet(exchange, context, address);
    if (method === 'PATCH') return () => patchScaleSet(exchange, context, address);
    if (method === 'DELETE') return () => deleteScaleSet(exchange, context, address);
    if (method === 'GET') return () => (record() ? json(200, presentScaleSet(record()!)) : missing());
    return undefined;
  }
  if (method !== 'GET') return undefined;
  const parts = rest.split('/').slice(1);
  const [first = '', instanceId, child, nicName] = parts.map((p) => p.toLowerCase());
  const scaleSet = record();
  if (scaleSet === undefined) return missing;
  const instances = () => instancesOf(context, scaleSet.id);
  const instance = () => instances().find((i) => String(i.instanceId) === instanceId);
  if (first === 'instanceview' && parts.length === 1) return () => scaleSetInstanceView(context, scaleSet);
  if (first === 'networkinterfaces' && parts.length === 1)
    return () => json(200, { value: instances().flatMap((i) => interfacesOf(context, i.id)) });
  if (first !== 'virtualmachines') return undefined;
  if (parts.length === 1) return () => json(200, { value: instances() });
  const vmMissing = () =>
    notFound(`Microsoft.Compute/virtualMachineScaleSets/${address.name}/virtualMachines/${instanceId ?? ''}`);
  if (parts.length === 2) return () => (instance() ? json(200, instance()) : vmMissing());
  if (parts.length === 3 && child === 'instanceview')
    return () => (instance() ? instanceView(instance()!) : vmMissing());
  if (child !== 'networkinterfaces' || parts.length > 4) return undefined;
  return () => {
    const vm = instance();
    if (vm === undefined) return vmMissing();
    const nics = interfacesOf(context, vm.id);
    if (nicName === undefined) return json(200, { value: nics });
    const nic = nics.find((n) => n.name.toLowerCase() === nicName);
    return nic ? json(200, nic) : notFound(`${vm.id}/networkInterfaces/${parts[3]}`);
  };
}
