import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '../bin/arm-template.js');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) =>
      done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

const contextArgs = [
  '--tenant-id',
  't',
  '--subscription-id',
  '00000000-0000-0000-0000-0000000000c1',
  '--resource-group',
  'rg',
  '--location',
  'westeurope',
];

describe('arm-template expand (the CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arm-template-cli-'));
  const template = join(dir, 'main.json');
  writeFileSync(
    template,
    JSON.stringify({
      parameters: { prefix: { type: 'string', minLength: 2 }, n: { type: 'int', defaultValue: 1 } },
      resources: [
        {
          type: 'Microsoft.Network/virtualNetworks',
          apiVersion: '2023-04-01',
          name: "[format('{0}{1}', parameters('prefix'), copyIndex())]",
          copy: { name: 'v', count: "[parameters('n')]" },
          location: '[resourceGroup().location]',
          properties: { state: "[reference('other').x]" },
        },
        { type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'other', location: 'x' },
      ],
      outputs: {
        id: { type: 'string', value: "[resourceId('Microsoft.Network/virtualNetworks', 'other')]" },
      },
    }),
  );
  const parameters = join(dir, 'main.parameters.json');
  writeFileSync(
    parameters,
    JSON.stringify({ $schema: 'x', contentVersion: '1.0.0.0', parameters: { prefix: { value: 'ab' } } }),
  );

  it('prints the snapshot shape, with runtime values as ARM expression strings', async () => {
    const result = await run([
      'expand',
      template,
      '--parameters',
      parameters,
      '--param',
      'n=2',
      ...contextArgs,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as {
      predictedResources: { name: string; properties?: { state: string } }[];
      outputs: { id: string };
    };
    expect(printed.predictedResources.map((r) => r.name)).toEqual(['ab0', 'ab1', 'other']);
    expect(printed.predictedResources[0]?.properties?.state).toBe(
      "[reference('/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/other', '2023-04-01').x]",
    );
    expect(printed.outputs.id).toBe(
      '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/other',
    );
  });

  it('fails with the ARM code and the parameter named, and exit code 2', async () => {
    const result = await run(['expand', template, '--param', 'prefix=a', ...contextArgs]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^InvalidTemplateParameter: .*'prefix'/);
  });

  it('explains a missing option', async () => {
    const result = await run(['expand', template, '--tenant-id', 't']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--subscription-id is required');
  });

  it('expands a subscription-scope template when no resource group is given, and refuses one with a group', async () => {
    const subscriptionTemplate = join(dir, 'subscription.json');
    writeFileSync(
      subscriptionTemplate,
      JSON.stringify({
        $schema:
          'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
        resources: [
          {
            type: 'Microsoft.Resources/resourceGroups',
            apiVersion: '2024-03-01',
            name: 'rg-new',
            location: '[deployment().location]',
          },
        ],
      }),
    );
    const atSubscription = contextArgs.filter((_a, i) => i < 4 || i > 5);
    const result = await run(['expand', subscriptionTemplate, ...atSubscription]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).predictedResources).toEqual([
      {
        id: '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg-new',
        type: 'Microsoft.Resources/resourceGroups',
        name: 'rg-new',
        apiVersion: '2024-03-01',
        location: 'westeurope',
      },
    ]);
    const withGroup = await run(['expand', subscriptionTemplate, ...contextArgs]);
    expect(withGroup.code).toBe(2);
    expect(withGroup.stderr).toContain('deploy it at subscription scope, without a resource group');
  });

  it('says where a parameters file is not valid JSON without quoting its text, which holds secure values', async () => {
    const broken = join(dir, 'broken.parameters.json');
    writeFileSync(broken, '{"parameters": {"password": {"value": TopS3cretValue}}}');
    const result = await run(['expand', template, '--parameters', broken, ...contextArgs]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The parameters file ${broken} is not valid JSON`);
    expect(result.stderr).not.toMatch(/TopS3cret|value/);
  });
});
