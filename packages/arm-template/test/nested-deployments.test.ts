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
    expect(zone?.deploymentScope).toEqual({
      subscriptionId: context.subscriptionId,
      resourceGroup: 'rg-dns',
    });
    expect(expansion.outputs.zoneId).toBe(zone?.id);
    expect(expansion.deployments).toEqual([
      {
        id: '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg-dns/providers/Microsoft.Resources/deployments/zones',
        name: 'zones',
        parentPath: [],
        subscriptionId: '00000000-0000-0000-0000-0000000000c1',
        resourceGroup: 'rg-dns',
        deploymentScope: { subscriptionId: '00000000-0000-0000-0000-0000000000c1', resourceGroup: 'rg-dns' },
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

describe('a deployment at subscription scope', () => {
  const subscriptionId = '00000000-0000-0000-0000-0000000000c1';
  const sub = `/subscriptions/${subscriptionId}`;
  /** What Bicep writes for targetScope = 'subscription': a group, a module into it, a subscription-level resource. */
  const template: ArmTemplate = {
    $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
    parameters: { location: { type: 'string', defaultValue: '[deployment().location]' } },
    resources: [
      {
        type: 'Microsoft.Resources/resourceGroups',
        apiVersion: '2024-03-01',
        name: 'rg-app',
        location: "[parameters('location')]",
      },
      {
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2025-04-01',
        name: 'net',
        resourceGroup: 'rg-app',
        dependsOn: ["[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-app')]"],
        properties: {
          mode: 'Incremental',
          expressionEvaluationOptions: { scope: 'inner' },
          template: {
            resources: [
              {
                type: 'Microsoft.Network/virtualNetworks',
                apiVersion: '2024-05-01',
                name: 'vnet',
                location: '[resourceGroup().location]',
              },
            ],
            outputs: {
              id: { type: 'string', value: "[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]" },
            },
          },
        },
      },
      {
        type: 'Microsoft.Authorization/policyAssignments',
        apiVersion: '2024-04-01',
        name: 'allowed',
        properties: { displayName: "[resourceId('Microsoft.Network/virtualNetworks', 'x')]" },
      },
    ],
    outputs: {
      location: { type: 'string', value: '[deployment().location]' },
      vnetId: { type: 'string', value: "[reference('net').outputs.id.value]" },
    },
  };

  it('says where each resource and nested deployment deploys, in order, with the deployment location', () => {
    const expansion = expandTemplate(template, {
      context: { tenantId: 't', subscriptionId, location: 'swedencentral', deploymentName: 'lz' },
    });
    expect(expansion.deploymentScope).toEqual({ subscriptionId });
    const group = `${sub}/resourceGroups/rg-app`;
    const vnet = `${group}/providers/Microsoft.Network/virtualNetworks/vnet`;
    const policy = `${sub}/providers/Microsoft.Authorization/policyAssignments/allowed`;
    expect(expansion.resources.map((r) => [r.id, r.deploymentScope])).toEqual([
      [group, { subscriptionId }],
      [vnet, { subscriptionId, resourceGroup: 'rg-app' }],
      [policy, { subscriptionId }],
    ]);
    expect(expansion.resources.find((r) => r.id === vnet)?.body.location).toBe('swedencentral');
    // resourceId() at subscription scope is read as subscriptionResourceId(), as ARM does.
    expect(expansion.resources.find((r) => r.id === policy)?.body.properties).toEqual({
      displayName: `${sub}/providers/Microsoft.Network/virtualNetworks/x`,
    });
    expect(expansion.deployments).toEqual([
      expect.objectContaining({
        id: `${group}/providers/Microsoft.Resources/deployments/net`,
        resourceGroup: 'rg-app',
        deploymentScope: { subscriptionId, resourceGroup: 'rg-app' },
        resourceIds: [vnet],
        dependsOn: [group],
      }),
    ]);
    expect(expansion.order).toEqual([[group, policy], [vnet]]);
    expect(expansion.outputs).toEqual({ location: 'swedencentral', vnetId: vnet });
  });
});
