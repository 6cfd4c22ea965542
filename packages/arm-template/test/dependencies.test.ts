import { describe, expect, it } from '@jest/globals';
import { type ArmTemplate, ArmTemplateError, expandTemplate, orderIntoWaves } from '../src/index.js';

const context = {
  tenantId: 't',
  subscriptionId: '00000000-0000-0000-0000-0000000000c1',
  resourceGroup: 'rg',
  location: 'westeurope',
};
const rg = '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg/providers';

function resource(type: string, name: string, extra: Record<string, unknown> = {}) {
  return { type, apiVersion: '2023-04-01', name, location: '[resourceGroup().location]', ...extra };
}

describe('dependency order', () => {
  it('orders a resource after what a module that deploys nothing (only reads existing ones) waits for', () => {
    const template: ArmTemplate = {
      languageVersion: '2.0',
      resources: {
        endpoint: resource('Microsoft.Network/privateEndpoints', 'pe'),
        lookup: {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'lookup',
          dependsOn: ['endpoint'],
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            template: {
              languageVersion: '2.0',
              resources: {
                nic: {
                  existing: true,
                  type: 'Microsoft.Network/networkInterfaces',
                  apiVersion: '2023-04-01',
                  name: 'nic',
                },
              },
              outputs: {
                ip: {
                  type: 'string',
                  value: "[reference('nic').ipConfigurations[0].properties.privateIPAddress]",
                },
              },
            },
          },
        },
        record: resource('Microsoft.Network/privateDnsZones/A', 'zone/name', {
          location: 'global',
          properties: { aRecords: [{ ipv4Address: "[reference('lookup').outputs.ip.value]" }] },
        }),
      },
    };
    const expansion = expandTemplate(template, { context });
    const record = expansion.resources.find((r) => r.name === 'zone/name')!;
    expect(record.dependsOn).toEqual([`${rg}/Microsoft.Network/privateEndpoints/pe`]);
    expect(expansion.order.map((wave) => wave.map((id) => id.split('/').pop()))).toEqual([['pe'], ['name']]);
  });

  it('resolves dependsOn by resourceId, by name and by copy loop, plus implicit reference() dependencies', () => {
    const template: ArmTemplate = {
      resources: [
        resource('Microsoft.Network/virtualNetworks', 'vnet'),
        resource('Microsoft.Network/networkSecurityGroups', "[format('nsg{0}', copyIndex())]", {
          copy: { name: 'nsgLoop', count: 2 },
          dependsOn: ["[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]"],
        }),
        resource('Microsoft.Network/publicIPAddresses', 'pip', { dependsOn: ['nsgLoop'] }),
        resource('Microsoft.Network/loadBalancers', 'lb', {
          properties: { address: "[reference('pip').ipAddress]" },
        }),
      ],
    };
    const expansion = expandTemplate(template, { context });
    const deps = Object.fromEntries(expansion.resources.map((r) => [r.name, [...r.dependsOn].sort()]));
    expect(deps).toEqual({
      vnet: [],
      nsg0: [`${rg}/Microsoft.Network/virtualNetworks/vnet`],
      nsg1: [`${rg}/Microsoft.Network/virtualNetworks/vnet`],
      pip: [
        `${rg}/Microsoft.Network/networkSecurityGroups/nsg0`,
        `${rg}/Microsoft.Network/networkSecurityGroups/nsg1`,
      ],
      lb: [`${rg}/Microsoft.Network/publicIPAddresses/pip`],
    });
    const names = expansion.order.map((wave) => wave.map((id) => id.split('/').pop()).sort());
    expect(names).toEqual([['vnet'], ['nsg0', 'nsg1'], ['pip'], ['lb']]);
  });

  it('runs a serial copy loop in batches of batchSize', () => {
    const template: ArmTemplate = {
      resources: [
        resource('Microsoft.Network/publicIPAddresses', "[format('pip{0}', copyIndex())]", {
          copy: { name: 'pips', count: 5, mode: 'serial', batchSize: 2 },
        }),
      ],
    };
    const names = expandTemplate(template, { context }).order.map((w) =>
      w.map((id) => id.split('/').pop()).sort(),
    );
    expect(names).toEqual([['pip0', 'pip1'], ['pip2', 'pip3'], ['pip4']]);
  });

  it('reads the copy mode and batch size as ARM does: expressions, the mode in any case with spaces around it', () => {
    const template: ArmTemplate = {
      variables: { mode: ' SERIAL ' },
      resources: [
        resource('Microsoft.Network/publicIPAddresses', "[format('pip{0}', copyIndex())]", {
          copy: { name: 'pips', count: 3, mode: "[variables('mode')]", batchSize: '[add(1, 1)]' },
        }),
      ],
    };
    const names = expandTemplate(template, { context }).order.map((w) =>
      w.map((id) => id.split('/').pop()).sort(),
    );
    expect(names).toEqual([['pip0', 'pip1'], ['pip2']]);
  });

  it('drops resources whose condition is false from the order and from dependsOn', () => {
    const template: ArmTemplate = {
      parameters: { make: { type: 'bool', defaultValue: false } },
      resources: [
        resource('Microsoft.Network/virtualNetworks', 'vnet', { condition: "[parameters('make')]" }),
        resource('Microsoft.Network/publicIPAddresses', 'pip', { dependsOn: ['vnet'] }),
      ],
    };
    const expansion = expandTemplate(template, { context });
    expect(expansion.resources.map((r) => [r.name, r.condition])).toEqual([
      ['vnet', false],
      ['pip', true],
    ]);
    expect(expansion.order).toEqual([[`${rg}/Microsoft.Network/publicIPAddresses/pip`]]);
  });

  it('makes a resource that depends on a module wait for every resource inside it', () => {
    const template: ArmTemplate = {
      languageVersion: '2.0',
      resources: {
        mod: {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'inner',
          properties: {
            expressionEvaluationOptions: { scope: 'inner' },
            mode: 'Incremental',
            template: {
              resources: [
                resource('Microsoft.Network/virtualNetworks', 'a'),
                resource('Microsoft.Network/virtualNetworks', 'b'),
              ],
            },
          },
        },
        after: resource('Microsoft.Network/publicIPAddresses', 'pip', { dependsOn: ['mod'] }),
      },
    };
    const pip = expandTemplate(template, { context }).resources.find((r) => r.name === 'pip');
    expect(pip?.dependsOn.sort()).toEqual([
      `${rg}/Microsoft.Network/virtualNetworks/a`,
      `${rg}/Microsoft.Network/virtualNetworks/b`,
    ]);
  });

  it('rejects a cycle with InvalidTemplate naming the resources in it', () => {
    const template: ArmTemplate = {
      resources: [
        resource('Microsoft.Network/virtualNetworks', 'a', { dependsOn: ['c'] }),
        resource('Microsoft.Network/virtualNetworks', 'b', { dependsOn: ['a'] }),
        resource('Microsoft.Network/virtualNetworks', 'c', { properties: { x: "[reference('b').y]" } }),
        resource('Microsoft.Network/virtualNetworks', 'free'),
      ],
    };
    let error: unknown;
    try {
      expandTemplate(template, { context });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ArmTemplateError);
    expect((error as ArmTemplateError).code).toBe('InvalidTemplate');
    expect((error as ArmTemplateError).message).toMatch(/Circular dependency detected/);
    for (const name of ['a', 'b', 'c'])
      expect((error as ArmTemplateError).message).toContain(`virtualNetworks/${name}'`);
    expect((error as ArmTemplateError).message).not.toContain('virtualNetworks/free');
  });

  it('orders a plain graph into waves and names a two-node cycle', () => {
    expect(
      orderIntoWaves(
        new Map([
          ['x', ['y']],
          ['y', []],
          ['z', ['x', 'y']],
        ]),
      ),
    ).toEqual([['y'], ['x'], ['z']]);
    expect(() =>
      orderIntoWaves(
        new Map([
          ['x', ['y']],
          ['y', ['x']],
        ]),
      ),
    ).toThrow(/'x' -> 'y' -> 'x'|'y' -> 'x' -> 'y'/);
  });
});
