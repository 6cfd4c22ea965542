import { beforeAll, describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileBicep } from '@azpn/bicep';
import { expressionReferences, secureFlow, type SecureFlow } from '../src/index.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'secure-flow.bicep');
let flow: SecureFlow;

beforeAll(async () => {
  flow = secureFlow(await compileBicep(fixture));
}, 60_000);

const paths = (type: string) =>
  flow.properties.filter((p) => p.type.toLowerCase() === type.toLowerCase()).map((p) => p.path.join('.'));

describe('secureFlow over a compiled Bicep template', () => {
  it('finds a property a secure parameter feeds directly, inside arrays', () => {
    expect(paths('Microsoft.Network/privateDnsZones/TXT')).toContain('properties.txtRecords.*.value.*');
  });

  it('follows a secure parameter through a variable, and leaves its plain neighbours public', () => {
    const txt = paths('Microsoft.Network/privateDnsZones/TXT');
    expect(txt).toContain('properties.metadata.header');
    expect(txt).not.toContain('properties.metadata.plain');
    expect(txt).not.toContain('properties.ttl');
  });

  it("follows it into a module's parameter and back out through the module's output", () => {
    expect(paths('Microsoft.Network/privateDnsZones/CNAME')).toEqual(['properties.metadata.token']);
    expect(paths('Microsoft.Network/privateDnsZones/A')).toEqual(['properties.metadata.echoed']);
  });

  it('names the outputs that carry a secure value without being declared secure', () => {
    expect(flow.outputs).toEqual(['leaked']);
  });

  it('taints nothing of the zone itself', () => {
    expect(paths('Microsoft.Network/privateDnsZones')).toEqual([]);
  });
});

describe('secureFlow over hand-written templates', () => {
  it('treats list*() results, Key Vault references and names it cannot read as secret', () => {
    const template = {
      parameters: { token: { type: 'secureObject' }, which: { type: 'string' } },
      variables: { keys: "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'sa'), '2023-01-01')]" },
      resources: [
        {
          type: 'Microsoft.Web/sites',
          name: 'app',
          properties: {
            siteConfig: { keys: "[variables('keys')]", pick: "[parameters(parameters('which'))]" },
            copy: [{ name: 'settings', count: 2, input: { value: "[parameters('token').a]" } }],
          },
          resources: [
            { type: 'config', name: 'web', properties: { plain: 'x', secret: "[parameters('token')]" } },
          ],
        },
        {
          type: 'Microsoft.Resources/deployments',
          name: 'kv',
          properties: {
            expressionEvaluationOptions: { scope: 'inner' },
            parameters: { fromVault: { reference: { keyVault: { id: '/x' }, secretName: 's' } } },
            template: {
              parameters: { fromVault: { type: 'string' } },
              resources: [
                { type: 'Microsoft.Network/dnsZones', name: 'z', tags: { t: "[parameters('fromVault')]" } },
              ],
            },
          },
        },
      ],
    };
    const found = secureFlow(template).properties.map((p) => `${p.type} ${p.path.join('.')}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'Microsoft.Web/sites properties.siteConfig.keys',
        'Microsoft.Web/sites properties.siteConfig.pick',
        'Microsoft.Web/sites properties.settings.*.value',
        'Microsoft.Web/sites/config properties.secret',
        'Microsoft.Network/dnsZones tags.t',
      ]),
    );
    expect(found).not.toContain('Microsoft.Web/sites/config properties.plain');
  });
});

describe('expressionReferences', () => {
  it("reads parameters, variables, module outputs and list calls, with '' escapes in strings", () => {
    expect(
      expressionReferences(
        "concat(parameters('a'), variables('it''s'), reference('m').outputs.out.value, listSecrets('x', '1'))",
      ),
    ).toEqual({
      parameters: ['a'],
      variables: ["it's"],
      outputs: ['out'],
      dynamicParameter: false,
      dynamicVariable: false,
      callsList: true,
    });
    expect(expressionReferences("parameters(variables('n'))").dynamicParameter).toBe(true);
  });
});
