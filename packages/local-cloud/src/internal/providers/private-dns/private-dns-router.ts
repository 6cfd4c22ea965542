import type { Exchange, Reply } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import type { ArmRoute } from '../../arm/arm-provider.js';
import { armError, methodNotAllowed } from '../../arm/arm-error.js';
import { resourceGroupMissing } from '../../arm/resource-groups.js';
import { checkApiVersion } from '../../arm/api-versions.js';
import { serveDnsOperationResult, serveDnsOperationStatus } from './dns-operation.js';
import {
  deleteZone,
  deleteZoneChild,
  getZoneChild,
  listZoneChildren,
  putZone,
  putZoneChild,
} from './zones.js';
import { deleteRecordSet, getRecordSet, listRecordSets, putRecordSet } from './record-sets.js';
import type { ZoneAddress } from './zone-address.js';

/** The api-versions of Microsoft.Network/privateDnsZones. */
export const privateDnsApiVersions = ['2024-06-01', '2020-06-01', '2020-01-01', '2018-09-01'];

/** Record types a private zone holds. */
export const recordTypes = ['A', 'AAAA', 'CNAME', 'MX', 'PTR', 'SOA', 'SRV', 'TXT'];

const group = '^/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/microsoft\\.network/';
const operationPath = new RegExp(
  `${group}(privatednsoperationstatuses|privatednsoperationresults)/([^/]+)$`,
  'i',
);
const zonePath = new RegExp(`${group}privatednszones(?:/([^/]+)(?:/([^/]+)(?:/([^/]+))?)?)?$`, 'i');

/** Routes Microsoft.Network/privateDnsZones: zones, virtual network links, record sets and their operations. */
export function routePrivateDns(exchange: Exchange, context: ArmContext): ArmRoute | undefined {
  const { method, path } = exchange;
  let m = operationPath.exec(path);
  if (m !== null && method === 'GET') {
    const [, sub = '', , kind = '', id = ''] = m;
    const serve = kind.toLowerCase().endsWith('statuses') ? serveDnsOperationStatus : serveDnsOperationResult;
    return { operation: 'read', subscriptionId: sub, byProvider: true, run: () => serve(context, sub, id) };
  }
  m = zonePath.exec(path);
  if (m === null || m[3] === undefined) return undefined;
  const address: ZoneAddress = {
    subscriptionId: m[1]!,
    resourceGroup: m[2]!,
    zone: m[3].toLowerCase(),
    ...(m[4] === undefined ? {} : { child: m[4] }),
    ...(m[5] === undefined ? {} : { name: m[5] }),
  };
  const reads = method === 'GET';
  return {
    operation: reads
      ? 'read'
      : address.child === undefined || /^virtualnetworklinks$/i.test(address.child)
        ? 'longRunning'
        : 'write',
    subscriptionId: address.subscriptionId,
    byProvider: true,
    run: () =>
      checkApiVersion(exchange, privateDnsApiVersions) ??
      resourceGroupMissing(context, address.subscriptionId, address.resourceGroup) ??
      dispatch(exchange, context, address),
  };
}

function dispatch(exchange: Exchange, context: ArmContext, address: ZoneAddress): Reply {
  const { method } = exchange;
  if (address.child === undefined) {
    if (method === 'PUT' || method === 'PATCH') return putZone(exchange, context, address);
    if (method === 'DELETE') return deleteZone(exchange, context, address);
    if (method === 'GET') return getZoneChild(context, address);
    return methodNotAllowed(exchange);
  }
  if (/^virtualnetworklinks$/i.test(address.child)) {
    if (address.name === undefined)
      return method === 'GET' ? listZoneChildren(context, address) : methodNotAllowed(exchange);
    if (method === 'PUT' || method === 'PATCH') return putZoneChild(exchange, context, address);
    if (method === 'DELETE') return deleteZoneChild(exchange, context, address);
    if (method === 'GET') return getZoneChild(context, address);
    return methodNotAllowed(exchange);
  }
  const isList = /^(all|recordsets)$/i.test(address.child);
  const type = recordTypes.find((t) => t.toLowerCase() === address.child!.toLowerCase());
  if (isList && address.name === undefined && method === 'GET')
    return listRecordSets(context, address, undefined);
  if (type === undefined) {
    return armError(
      400,
      'BadRequest',
      `The record type '${address.child}' is not supported in a private DNS zone.`,
    );
  }
  if (address.name === undefined)
    return method === 'GET' ? listRecordSets(context, address, type) : methodNotAllowed(exchange);
  const record = { ...address, child: type, name: address.name };
  if (method === 'PUT' || method === 'PATCH') return putRecordSet(exchange, context, record);
  if (method === 'DELETE') return deleteRecordSet(exchange, context, record);
  if (method === 'GET') return getRecordSet(context, record);
  return methodNotAllowed(exchange);
}
