import type { Exchange, Reply } from '../../http/exchange.js';
import { json } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import type { ArmRoute } from '../../arm/arm-provider.js';
import { methodNotAllowed } from '../../arm/arm-error.js';
import { checkProviderApiVersion } from '../../arm/api-versions.js';
import { resourceGroupMissing } from '../../arm/resource-groups.js';
import * as generic from '../../arm/generic-resources.js';
import { networkApiVersions } from './network-api-versions.js';
import { serveNetworkOperationResult, serveNetworkOperationStatus } from './network-operation.js';
import { deleteNetworkInterface, putNetworkInterface } from './network-interfaces.js';
import { deleteSubnet, getSubnet, listSubnets, putSubnet } from './subnets.js';
import { deleteVirtualNetwork, putVirtualNetwork } from './virtual-networks.js';
import { deleteAddressedResource, putAddressedResource, putPrivateEndpoint } from './private-link.js';
import { deletePublicIpAddress, putPublicIpAddress } from './public-ip-addresses.js';
import { deleteNatGateway, putNatGateway } from './nat-gateways.js';
import { deleteSecurityGroup, putSecurityGroup } from './security-groups.js';
import { deletePeering, getPeerings, putPeering } from './virtual-network-peerings.js';
import { presentNetworkRecord } from './network-back-references.js';

const group = '^/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/microsoft\\.network/';
const operationPath =
  /^\/subscriptions\/([^/]+)\/providers\/microsoft\.network\/locations\/[^/]+\/(operations|operationresults)\/([^/]+)$/i;
const subnetPath = new RegExp(`${group}virtualnetworks/([^/]+)/subnets(?:/([^/]+))?$`, 'i');
const peeringPath = new RegExp(`${group}virtualnetworks/([^/]+)/virtualnetworkpeerings(?:/([^/]+))?$`, 'i');
const listPath =
  /^\/subscriptions\/([^/]+)(\/resourcegroups\/[^/]+)?\/providers\/microsoft\.network\/(virtualnetworks|networkinterfaces|loadbalancers|privatelinkservices|privateendpoints|publicipaddresses|natgateways|networksecuritygroups)$/i;
const emulated = [
  'Microsoft.Network/virtualNetworks',
  'Microsoft.Network/networkInterfaces',
  'Microsoft.Network/loadBalancers',
  'Microsoft.Network/privateLinkServices',
  'Microsoft.Network/privateEndpoints',
  'Microsoft.Network/publicIPAddresses',
  'Microsoft.Network/natGateways',
  'Microsoft.Network/networkSecurityGroups',
];

function versioned(exchange: Exchange, context: ArmContext, type: string, run: () => Reply): () => Reply {
  return () =>
    checkProviderApiVersion(exchange, type, networkApiVersions, context.scenario.locations) ?? run();
}

/** Routes the Microsoft.Network calls the cloud emulates (virtual networks, subnets, NICs, their operations). */
export function routeNetwork(exchange: Exchange, context: ArmContext): ArmRoute | undefined {
  const { method, path } = exchange;
  const writeKind = method === 'GET' ? 'read' : 'longRunning';
  let m: RegExpExecArray | null;
  if ((m = operationPath.exec(path)) && method === 'GET') {
    const [, sub = '', kind = '', id = ''] = m;
    const serve =
      kind.toLowerCase() === 'operations' ? serveNetworkOperationStatus : serveNetworkOperationResult;
    return { operation: 'read', subscriptionId: sub, byProvider: true, run: () => serve(context, sub, id) };
  }
  if ((m = subnetPath.exec(path))) {
    const [, sub = '', rg = '', vnetName = '', name] = m;
    const vnetId = path.replace(/\/subnets(\/[^/]+)?$/i, '');
    const address = { subscriptionId: sub, resourceGroup: rg, vnetId, vnetName, name: name ?? '' };
    const type = 'Microsoft.Network/virtualNetworks/subnets';
    const handlers: Record<string, () => Reply> =
      name === undefined
        ? { GET: () => listSubnets(context, address) }
        : {
            GET: () => getSubnet(context, address),
            PUT: () => putSubnet(exchange, context, address),
            DELETE: () => deleteSubnet(exchange, context, address),
          };
    return {
      operation: writeKind,
      subscriptionId: sub,
      byProvider: true,
      run: versioned(exchange, context, type, handlers[method] ?? (() => methodNotAllowed(exchange))),
    };
  }
  if ((m = peeringPath.exec(path))) {
    const [, sub = '', rg = '', vnetName = '', name] = m;
    const vnetId = path.replace(/\/virtualnetworkpeerings(\/[^/]+)?$/i, '');
    const address = { subscriptionId: sub, resourceGroup: rg, vnetId, vnetName, name: name ?? '' };
    const handlers: Record<string, () => Reply> =
      name === undefined
        ? { GET: () => getPeerings(context, address, false) }
        : {
            GET: () => getPeerings(context, address, true),
            PUT: () => putPeering(exchange, context, address),
            DELETE: () => deletePeering(exchange, context, address),
          };
    const type = 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings';
    return {
      operation: writeKind,
      subscriptionId: sub,
      byProvider: true,
      run: versioned(exchange, context, type, handlers[method] ?? (() => methodNotAllowed(exchange))),
    };
  }
  if ((m = listPath.exec(path)) && method === 'GET') {
    const [, sub = '', rgPart, kind = ''] = m;
    const type = emulated.find((t) => t.toLowerCase().endsWith(kind.toLowerCase()))!;
    const scope = rgPart === undefined ? `/subscriptions/${sub}` : `/subscriptions/${sub}${rgPart}`;
    // Scale set NICs live under Microsoft.Compute and are listed there, not with the resource group's NICs.
    const list = () =>
      json(200, {
        value: context.store
          .resourcesUnder(scope)
          .filter((r) => r.type === type && !/\/providers\/microsoft\.compute\//i.test(r.id))
          .map((r) => presentNetworkRecord(context, r)),
      });
    return {
      operation: 'read',
      subscriptionId: sub,
      byProvider: true,
      run: versioned(exchange, context, type, list),
    };
  }
  const parsed = generic.parseResourceAddress(path);
  // Types compare without regard to case; the provider answers with its own spelling.
  const type = emulated.find((t) => t.toLowerCase() === parsed?.type.toLowerCase());
  if (parsed === undefined || type === undefined || parsed.name.includes('/')) return undefined;
  const address = { ...parsed, type };
  return {
    operation: writeKind,
    subscriptionId: address.subscriptionId,
    byProvider: true,
    run: versioned(exchange, context, address.type, resourceHandler(exchange, context, address)),
  };
}

type Writer = (exchange: Exchange, context: ArmContext, address: generic.ResourceAddress) => Reply;

/** PUT and DELETE of each emulated type. */
const writers: Record<string, [Writer, Writer]> = {
  'Microsoft.Network/virtualNetworks': [putVirtualNetwork, deleteVirtualNetwork],
  'Microsoft.Network/networkInterfaces': [putNetworkInterface, deleteNetworkInterface],
  'Microsoft.Network/loadBalancers': [putAddressedResource, deleteAddressedResource],
  'Microsoft.Network/privateLinkServices': [putAddressedResource, deleteAddressedResource],
  'Microsoft.Network/privateEndpoints': [putPrivateEndpoint, deleteAddressedResource],
  'Microsoft.Network/publicIPAddresses': [putPublicIpAddress, deletePublicIpAddress],
  'Microsoft.Network/natGateways': [putNatGateway, deleteNatGateway],
  'Microsoft.Network/networkSecurityGroups': [putSecurityGroup, deleteSecurityGroup],
};

function resourceHandler(
  exchange: Exchange,
  context: ArmContext,
  address: generic.ResourceAddress,
): () => Reply {
  const [put, remove] = writers[address.type]!;
  const handlers: Record<string, () => Reply> = {
    GET: () => {
      const record = context.store.resources.get(address.id.toLowerCase());
      return record === undefined
        ? generic.getResource(context, address)
        : json(200, presentNetworkRecord(context, record));
    },
    PATCH: () => generic.patchResource(exchange, context, address),
    PUT: () => put(exchange, context, address),
    DELETE: () => remove(exchange, context, address),
  };
  const handler = handlers[exchange.method] ?? (() => methodNotAllowed(exchange));
  return () => resourceGroupMissing(context, address.subscriptionId, address.resourceGroup) ?? handler();
}
