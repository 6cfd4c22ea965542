import { describe, expect, it } from '@jest/globals';
import { authorizationRequestOf } from '../src/internal/arm/authorization.js';
import type { Exchange } from '../src/internal/http/exchange.js';

// What ARM's authorization is asked about a call: the RBAC action and scope derived from the method and the path,
// as the authorize hooks (the deployment stacks' deny assignments) receive them.
const group = '/subscriptions/s1/resourceGroups/rg';

function exchange(method: string, path: string, extra: Partial<Exchange> = {}): Exchange {
  return {
    method,
    path,
    query: new URLSearchParams(),
    headers: {},
    bodyText: '',
    requestId: 'r',
    correlationId: 'c',
    startedAt: 0,
    principal: 'oid-1',
    clientId: 'app-1',
    ...extra,
  };
}

describe('the authorization request of an ARM call', () => {
  it('asks about writes, deletes and actions, never reads', () => {
    const vnet = `${group}/providers/Microsoft.Network/virtualNetworks/v1`;
    expect(authorizationRequestOf(exchange('PUT', vnet))).toEqual({
      principal: 'oid-1',
      clientId: 'app-1',
      action: 'Microsoft.Network/virtualNetworks/write',
      scope: vnet,
    });
    expect(authorizationRequestOf(exchange('PATCH', vnet))?.action).toBe(
      'Microsoft.Network/virtualNetworks/write',
    );
    expect(authorizationRequestOf(exchange('DELETE', `${vnet}/subnets/s`))).toMatchObject({
      action: 'Microsoft.Network/virtualNetworks/subnets/delete',
      scope: `${vnet}/subnets/s`,
    });
    expect(authorizationRequestOf(exchange('GET', vnet))).toBeUndefined();
    expect(authorizationRequestOf(exchange('HEAD', vnet))).toBeUndefined();
  });

  it('names a POST action after the resource it acts on', () => {
    const scaleSet = `${group}/providers/Microsoft.Compute/virtualMachineScaleSets/vmss`;
    expect(authorizationRequestOf(exchange('POST', `${scaleSet}/restart`))).toMatchObject({
      action: 'Microsoft.Compute/virtualMachineScaleSets/restart/action',
      scope: scaleSet,
    });
    expect(
      authorizationRequestOf(
        exchange('POST', `${group}/providers/Microsoft.Resources/deployments/d/validate`),
      )?.action,
    ).toBe('Microsoft.Resources/deployments/validate/action');
  });

  it('asks about resource groups as ARM names them, and carries the service acting for the caller', () => {
    expect(authorizationRequestOf(exchange('DELETE', group, { actingFor: '/stack' }))).toEqual({
      principal: 'oid-1',
      clientId: 'app-1',
      actingFor: '/stack',
      action: 'Microsoft.Resources/subscriptions/resourceGroups/delete',
      scope: group,
    });
    expect(authorizationRequestOf(exchange('PUT', group))?.action).toBe(
      'Microsoft.Resources/subscriptions/resourceGroups/write',
    );
    expect(authorizationRequestOf(exchange('GET', '/subscriptions/s1/resourcegroups'))).toBeUndefined();
    expect(authorizationRequestOf(exchange('POST', '/subscriptions/s1/operationresults/x'))).toBeUndefined();
  });
});
