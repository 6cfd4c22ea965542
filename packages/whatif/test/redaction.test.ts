import { describe, expect, it } from '@jest/globals';
import { SecretRegistry } from '@azpn/core';
import { changeLines, redactChanges, redactedValue, whatIfTable, type ResourceChange } from '../src/index.js';

const zone = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/z.test';
const flow = {
  properties: [
    { type: 'Microsoft.Network/privateDnsZones/TXT', path: ['properties', 'txtRecords', '*', 'value', '*'] },
  ],
  outputs: [],
};
const oldSecret = 'old-"token"\\with%\nline-two-€';
const newSecret = 'new-"token"\\with%\nline-two-€';

describe('redactChanges', () => {
  const modify: ResourceChange = {
    resourceId: `${zone}/TXT/token`,
    changeType: 'Modify',
    before: { properties: { ttl: 60, txtRecords: [{ value: [oldSecret] }] } },
    after: { properties: { ttl: 60, txtRecords: [{ value: [newSecret] }] } },
    delta: [
      {
        path: 'properties.txtRecords',
        propertyChangeType: 'Array',
        children: [
          {
            path: '0',
            propertyChangeType: 'Modify',
            children: [
              {
                path: 'value',
                propertyChangeType: 'Array',
                children: [{ path: '0', propertyChangeType: 'Modify', before: oldSecret, after: newSecret }],
              },
            ],
          },
        ],
      },
      { path: 'properties.ttl', propertyChangeType: 'Modify', before: 60, after: 120 },
    ],
  };

  it("hides a secure property's previous and new value, which no mask of this run knows, and keeps the rest", () => {
    const [redacted] = redactChanges([modify], { flow });
    const lines = changeLines([redacted!]);
    expect(lines).toEqual([
      'Modify Microsoft.Network/privateDnsZones/TXT z.test/token',
      `    properties.txtRecords.0.value.0: ${redactedValue} → ${redactedValue}`,
      '    properties.ttl: 60 → 120',
    ]);
    const everything = JSON.stringify(redacted) + lines.join('\n') + whatIfTable([redacted!]);
    for (const secret of [oldSecret, newSecret])
      for (const form of [secret, JSON.stringify(secret).slice(1, -1), 'old-', 'new-'])
        expect(everything).not.toContain(form);
  });

  it('hides a secure value inside a larger value that is created or changed whole', () => {
    const created: ResourceChange = {
      resourceId: `${zone}/TXT/token`,
      changeType: 'Modify',
      delta: [
        {
          path: 'properties.txtRecords',
          propertyChangeType: 'Modify',
          before: [],
          after: [{ value: [newSecret] }],
        },
      ],
    };
    const [redacted] = redactChanges([created], { flow });
    expect(redacted!.delta![0]!.after).toEqual([{ value: [redactedValue] }]);
  });

  it('hides credentials by name, and any value holding a registered secret in any form, whatever the template', () => {
    const registry = new SecretRegistry();
    registry.register('p@ss"word');
    const change: ResourceChange = {
      resourceId:
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss',
      changeType: 'Modify',
      delta: [
        {
          path: 'properties.virtualMachineProfile.osProfile.customData',
          propertyChangeType: 'Modify',
          before: 'b2xk',
          after: 'bmV3',
        },
        { path: 'tags.note', propertyChangeType: 'Modify', before: 'plain', after: '{"v":"p@ss\\"word"}' },
        { path: 'properties.settings', propertyChangeType: 'Create', after: { adminPassword: 'x', size: 3 } },
      ],
    };
    const [redacted] = redactChanges([change], {
      flow: { properties: [], outputs: [] },
      holdsSecret: (t) => registry.holdsSecret(t),
    });
    expect(redacted!.delta!.map((d) => [d.before, d.after])).toEqual([
      [redactedValue, redactedValue],
      ['plain', redactedValue],
      [undefined, { adminPassword: redactedValue, size: 3 }],
    ]);
  });

  it('renders a table escaped once: a pipe in a value gets one backslash', () => {
    const table = whatIfTable([
      {
        resourceId: zone,
        changeType: 'Modify',
        delta: [{ path: 'tags.a', propertyChangeType: 'Modify', before: 'x|y', after: 'z' }],
      },
    ]);
    expect(table).toContain('`tags.a: "x\\|y" → "z"`');
    expect(table).not.toContain('\\\\|');
  });
});
