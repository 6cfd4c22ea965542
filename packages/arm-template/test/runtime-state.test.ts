import { describe, expect, it } from '@jest/globals';
import {
  type ArmTemplate,
  ArmTemplateError,
  type ArmValue,
  expandTemplate,
  RuntimeValue,
  type RuntimeResolver,
} from '../src/index.js';

const context = {
  tenantId: 't',
  subscriptionId: '00000000-0000-0000-0000-0000000000c1',
  resourceGroup: 'rg',
  location: 'westeurope',
};
const vnetId =
  '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub';
const pipId =
  '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip';

/** A 2.0 template: an existing VNet, a public IP, and a NIC whose body needs both at run time. */
const template: ArmTemplate = {
  languageVersion: '2.0',
  resources: {
    hub: { existing: true, type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'hub' },
    pip: {
      type: 'Microsoft.Network/publicIPAddresses',
      apiVersion: '2023-04-01',
      name: 'pip',
      location: 'westeurope',
    },
    nic: {
      type: 'Microsoft.Network/networkInterfaces',
      apiVersion: '2023-04-01',
      name: 'nic',
      location: "[reference('hub', '2023-04-01', 'full').location]",
      properties: {
        address: "[reference('pip').ipAddress]",
        keys: "[listKeys('pip', '2023-04-01').keys[0].value]",
        known: "[reference('pip', '2023-04-01', 'full').id]",
      },
    },
  },
  outputs: { ip: { type: 'string', value: "[reference('pip').ipAddress]" } },
};

/** A resolver over a map of deployed state, as the local cloud would hand it in. */
function resolverOf(state: Record<string, Record<string, ArmValue>>): RuntimeResolver {
  return {
    reference: (id, _apiVersion, full) => {
      const found = state[id];
      return found === undefined ? undefined : full ? found : (found.properties ?? null);
    },
    list: (id, action) =>
      action === 'listKeys' && state[id] ? { keys: [{ value: `key-of-${id.split('/').pop()}` }] } : undefined,
  };
}

describe('runtime state', () => {
  it('leaves reference() and list*() as runtime values, never guessing, and marks the resource pending', () => {
    const expansion = expandTemplate(template, { context });
    const nic = expansion.resources.find((r) => r.name === 'nic');
    expect(nic?.pending).toBe(true);
    expect(nic?.body.location).toBeInstanceOf(RuntimeValue);
    expect((nic?.body.properties as Record<string, ArmValue>).address).toBeInstanceOf(RuntimeValue);
    expect((nic?.body.properties as Record<string, ArmValue>).known).toBe(pipId);
    expect(nic?.dependsOn).toEqual([pipId]);
    expect(expansion.outputs.ip).toEqual(new RuntimeValue(`reference('${pipId}', '2023-04-01').ipAddress`));
  });

  it('finishes a resource and the outputs once the resolver knows what its dependencies returned', () => {
    const expansion = expandTemplate(template, { context });
    const partial = resolverOf({ [vnetId]: { location: 'northeurope' } });
    expect(() => expansion.finishResource(expansion.resources[1]?.id ?? '', partial)).toThrow(
      ArmTemplateError,
    );
    try {
      expansion.finishResource(expansion.resources[1]?.id ?? '', partial);
    } catch (error) {
      expect((error as ArmTemplateError).code).toBe('RuntimeValueRequired');
      expect((error as ArmTemplateError).message).toContain('ipAddress');
    }
    const full = resolverOf({
      [vnetId]: { location: 'northeurope' },
      [pipId]: { id: pipId, properties: { ipAddress: '20.1.2.3' } },
    });
    const body = expansion.finishResource(expansion.resources.find((r) => r.name === 'nic')?.id ?? '', full);
    expect(body).toEqual({
      location: 'northeurope',
      properties: { address: '20.1.2.3', keys: 'key-of-pip', known: pipId },
    });
    expect(expansion.finishOutputs(full)).toEqual({ ip: '20.1.2.3' });
  });
});
