import { describe, expect, it } from '@jest/globals';
import { type ArmTemplate, expandTemplate } from '../src/index.js';

const context = {
  tenantId: 't',
  subscriptionId: '00000000-0000-0000-0000-0000000000c1',
  resourceGroup: 'rg',
  location: 'westeurope',
};

function nested(
  name: string,
  template: ArmTemplate,
  extra: Record<string, unknown> = {},
  scope?: 'inner' | 'outer',
) {
  return {
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name,
    ...extra,
    properties: {
      mode: 'Incremental',
      ...(scope ? { expressionEvaluationOptions: { scope } } : {}),
      template,
      ...((extra.properties as object | undefined) ?? {}),
    },
  };
}

describe('nested deployments', () => {
  it('evaluates an outer-scope nested template with the parent parameters and variables', () => {
    const template: ArmTemplate = {
      parameters: { prefix: { type: 'string', defaultValue: 'outer' } },
      variables: { suffix: 'v' },
      resources: [
        nested('n1', {
          parameters: { prefix: { type: 'string', defaultValue: 'inner-default-is-not-used' } },
          resources: [
            {
              type: 'Microsoft.Network/virtualNetworks',
              apiVersion: '2023-04-01',
              name: "[concat(parameters('prefix'), '-', variables('suffix'))]",
            },
          ],
        }),
      ],
    };
    expect(expandTemplate(template, { context }).resources.map((r) => r.name)).toEqual(['outer-v']);
  });

  it('evaluates an inner-scope template with its own parameters, in another resource group and with its own deployment()', () => {
    const inner: ArmTemplate = {
      parameters: { p: { type: 'string' } },
      resources: [
        {
          type: 'Microsoft.Network/privateDnsZones',
          apiVersion: '2020-06-01',
          name: "[parameters('p')]",
          location: 'global',
          tags: { deployment: '[deployment().name]', group: '[resourceGroup().name]' },
        },
      ],
      outputs: {
        id: { type: 'string', value: "[resourceId('Microsoft.Network/privateDnsZones', parameters('p'))]" },
      },
    };
    const template: ArmTemplate = {
      resources: [
        nested(
          'zones',
          inner,
          { resourceGroup: 'rg-dns', properties: { parameters: { p: { value: 'example.internal' } } } },
          'inner',
        ),
      ],
      outputs: { zoneId: { type: 'string', value: "[reference('zones').outputs.id.value]" } },
    };
    const expansion = expandTemplate(template, { context });
    expect(expansion.resources).toHaveLength(1);
    const [zone] = expansion.resources;
    expect(zone?.id).toBe(
      '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/example.internal',
    );
    expect(zone?.body.tags).toEqual({ deployment: 'zones', group: 'rg-dns' });
    expect(zone?.deploymentPath).toEqual(['zones']);
    expect(expansion.outputs.zoneId).toBe(zone?.id);
    expect(expansion.deployments).toEqual([
      {
        id: '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg-dns/providers/Microsoft.Resources/deployments/zones',
        name: 'zones',
        parentPath: [],
        subscriptionId: '00000000-0000-0000-0000-0000000000c1',
        resourceGroup: 'rg-dns',
        resourceIds: [zone?.id],
        dependsOn: [],
      },
    ]);
  });

  it('names the module and resource when an inner template is wrong', () => {
    const template: ArmTemplate = {
      resources: [
        nested(
          'broken',
          {
            resources: [
              {
                type: 'Microsoft.Network/virtualNetworks',
                apiVersion: '1',
                name: 'v',
                properties: { x: '[bogus()]' },
              },
            ],
          },
          {},
          'inner',
        ),
      ],
    };
    expect(() => expandTemplate(template, { context })).toThrow(
      /module 'broken' resources\[0\] \(Microsoft.Network\/virtualNetworks 'v'\)\.properties\.x/,
    );
  });

  it('flattens classic child resources with the parent type and name, depending on the parent', () => {
    const template: ArmTemplate = {
      resources: [
        {
          type: 'Microsoft.Network/virtualNetworks',
          apiVersion: '2023-04-01',
          name: 'vnet',
          resources: [
            {
              type: 'subnets',
              apiVersion: '2023-04-01',
              name: 'a',
              properties: { addressPrefix: '10.0.0.0/24' },
            },
          ],
        },
      ],
    };
    const [vnet, subnet] = expandTemplate(template, { context }).resources;
    expect(subnet?.type).toBe('Microsoft.Network/virtualNetworks/subnets');
    expect(subnet?.name).toBe('vnet/a');
    expect(subnet?.dependsOn).toEqual([vnet?.id]);
  });
});
