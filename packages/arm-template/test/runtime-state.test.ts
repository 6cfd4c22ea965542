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
    // Even a full reference's id stays runtime before the deployment, as bicep snapshot keeps it (see the loops corpus).
    expect((nic?.body.properties as Record<string, ArmValue>).known).toEqual(
      new RuntimeValue(`reference('${pipId}', '2023-04-01', 'full').id`),
    );
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

  it("reads the resource group's tags from its state, as ARM does, and leaves them runtime until the resolver has it", () => {
    const groupId = '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg';
    const tagged: ArmTemplate = {
      resources: [
        {
          type: 'Microsoft.Network/networkSecurityGroups',
          apiVersion: '2024-05-01',
          name: 'nsg',
          location: '[resourceGroup().location]',
          tags: '[resourceGroup().tags]',
        },
      ],
    };
    const expansion = expandTemplate(tagged, { context });
    const [nsg] = expansion.resources;
    expect(nsg?.body).toEqual({ location: 'westeurope', tags: new RuntimeValue('resourceGroup().tags') });
    expect(nsg?.pending).toBe(true);
    const resolver: RuntimeResolver = {
      reference: (id, _version, full) =>
        id === groupId && full ? { id, name: 'rg', tags: { owner: 'platform' }, properties: {} } : undefined,
    };
    expect(expansion.finishResource(nsg?.id as string, resolver)).toEqual({
      location: 'westeurope',
      tags: { owner: 'platform' },
    });
  });

  it('references() answers every instance of a collection in copy order, from the resolver, and dependsOn them', () => {
    const looped: ArmTemplate = {
      languageVersion: '2.0',
      parameters: { names: { type: 'array', defaultValue: ['a', 'b', 'c'] } },
      resources: {
        ips: {
          copy: { name: 'ips', count: "[length(parameters('names'))]" },
          type: 'Microsoft.Network/publicIPAddresses',
          apiVersion: '2023-04-01',
          name: "[format('pip-{0}', parameters('names')[copyIndex()])]",
          location: 'westeurope',
        },
        report: {
          type: 'Microsoft.Resources/tags',
          apiVersion: '2023-07-01',
          name: 'default',
          properties: {
            tags: {
              addresses: "[join(map(references('ips'), lambda('p', lambdaVariables('p').ipAddress)), ',')]",
            },
          },
        },
      },
      outputs: {
        ids: {
          type: 'array',
          value: "[map(references('ips', 'Full'), lambda('p', lambdaVariables('p').id))]",
        },
      },
    };
    const plan = expandTemplate(looped, { context });
    const report = plan.resources.find((r) => r.type === 'Microsoft.Resources/tags')!;
    expect(report.dependsOn.map((id) => id.split('/').pop())).toEqual(['pip-a', 'pip-b', 'pip-c']);
    const state: Record<string, Record<string, ArmValue>> = {};
    ['a', 'b', 'c'].forEach((n, i) => {
      const id = pipId.replace(/pip$/, `pip-${n}`);
      state[id] = { id, properties: { ipAddress: `20.0.0.${i + 1}` } };
    });
    const body = plan.finishResource(report.id, resolverOf(state));
    expect(body.properties).toEqual({ tags: { addresses: '20.0.0.1,20.0.0.2,20.0.0.3' } });
    expect(plan.finishOutputs(resolverOf(state)).ids).toEqual(Object.keys(state));
  });

  it('references() of a name that is not a collection is an InvalidTemplate naming it', () => {
    const bad: ArmTemplate = {
      languageVersion: '2.0',
      resources: {
        pip: {
          type: 'Microsoft.Network/publicIPAddresses',
          apiVersion: '2023-04-01',
          name: 'pip',
          location: 'x',
        },
      },
      outputs: { all: { type: 'array', value: "[references('pip')]" } },
    };
    expect(() => expandTemplate(bad, { context })).toThrow(ArmTemplateError);
    expect(() => expandTemplate(bad, { context })).toThrow(/references.*'pip' is not one/);
  });

  it('finishes with the GUIDs and clock of the plan: a parameter default is evaluated once per deployment', () => {
    const stamped: ArmTemplate = {
      parameters: {
        suffix: { type: 'string', defaultValue: "[concat(newGuid(), '-', newGuid())]" },
        stamp: { type: 'string', defaultValue: "[utcNow('o')]" },
      },
      resources: [
        {
          type: 'Microsoft.Network/publicIPAddresses',
          apiVersion: '2023-04-01',
          name: "[concat('pip-', parameters('suffix'))]",
          location: 'x',
          tags: { stamp: "[parameters('stamp')]" },
          properties: { vnet: "[reference(resourceId('Microsoft.Network/virtualNetworks', 'hub')).name]" },
        },
      ],
      outputs: { suffix: { type: 'string', value: "[parameters('suffix')]" } },
    };
    const expansion = expandTemplate(stamped, { context });
    const [pip] = expansion.resources;
    expect(pip?.name).toMatch(/^pip-[0-9a-f-]{36}-[0-9a-f-]{36}$/);
    const suffix = (pip?.name ?? '').slice('pip-'.length);
    const [first, second] = [suffix.slice(0, 36), suffix.slice(37)];
    expect(first).not.toBe(second);
    const state = resolverOf({ [vnetId]: { properties: { name: 'hub' } } });
    const body = expansion.finishResource(pip?.id ?? '', state);
    expect(body.tags).toEqual(pip?.body.tags);
    expect(expansion.finishOutputs(state).suffix).toBe(suffix);
  });

  it('gives an existing resource Bicep scopes to the subscription its subscription-level id', () => {
    const scoped: ArmTemplate = {
      languageVersion: '2.0',
      resources: {
        other: {
          existing: true,
          type: 'Microsoft.Resources/resourceGroups',
          apiVersion: '2022-09-01',
          subscriptionId: '[subscription().subscriptionId]',
          name: 'rg-other',
        },
        reader: {
          existing: true,
          type: 'Microsoft.Authorization/roleDefinitions',
          apiVersion: '2022-04-01',
          subscriptionId: '00000000-0000-0000-0000-0000000000c2',
          name: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
        },
      },
      outputs: {
        location: { type: 'string', value: "[reference('other', '2022-09-01', 'full').location]" },
        role: { type: 'object', value: "[reference('reader')]" },
      },
    };
    const { outputs } = expandTemplate(scoped, { context });
    expect(outputs.location).toEqual(
      new RuntimeValue(
        "reference('/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg-other', '2022-09-01', 'full').location",
      ),
    );
    expect((outputs.role as RuntimeValue).expression).toBe(
      "reference('/subscriptions/00000000-0000-0000-0000-0000000000c2/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7', '2022-04-01')",
    );
  });
});
