import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildParamsWithBicep,
  evaluateWithBicepConsole,
  snapshotTemplateWithBicep,
  snapshotWithBicep,
} from '../src/oracle.js';

describe('bicep console oracle', () => {
  it('evaluates many expressions in one process, keeping types, and reports each error in place', async () => {
    const results = await evaluateWithBicepConsole([
      "uniqueString('test')",
      "parseCidr('10.0.0.0/30')",
      '[1, true, null]',
      "'it\\'s \\\\ ${1}'",
      'nope(',
      '1 / 0',
      "toUpper('still aligned')",
    ]);
    expect(results[0]).toEqual({ ok: true, value: 'rbgf3xv4ufgzg' });
    expect(results[1]).toEqual({
      ok: true,
      value: {
        network: '10.0.0.0',
        netmask: '255.255.255.252',
        broadcast: '10.0.0.3',
        firstUsable: '10.0.0.1',
        lastUsable: '10.0.0.2',
        cidr: 30,
      },
    });
    expect(results[2]).toEqual({ ok: true, value: [1, true, null] });
    expect(results[3]).toEqual({ ok: true, value: "it's \\ 1" });
    expect(results[4]?.ok).toBe(false);
    expect(results[5]).toMatchObject({ ok: false, error: expect.stringContaining('divide by zero') });
    expect(results[6]).toEqual({ ok: true, value: 'STILL ALIGNED' });
  });

  it('refuses an expression that spans lines', async () => {
    await expect(evaluateWithBicepConsole(['1 +\n2'])).rejects.toThrow(/several lines/);
  });
});

describe('bicep snapshot and build-params oracles', () => {
  it('snapshots a parameters file without leaving files behind, and compiles it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oracle-'));
    writeFileSync(
      join(dir, 'main.bicep'),
      "param n string\nresource v 'Microsoft.Network/virtualNetworks@2023-04-01' = {\n  name: n\n  location: resourceGroup().location\n}\noutput id string = v.id\n",
    );
    writeFileSync(join(dir, 'main.bicepparam'), "using 'main.bicep'\nparam n = 'vnet1'\n");
    const context = {
      tenantId: 't',
      subscriptionId: '00000000-0000-0000-0000-0000000000c2',
      resourceGroup: 'rg1',
      location: 'northeurope',
    };
    const [snapshot, compiled] = await Promise.all([
      snapshotWithBicep(join(dir, 'main.bicepparam'), context),
      buildParamsWithBicep(join(dir, 'main.bicepparam')),
    ]);
    expect(snapshot.predictedResources).toEqual([
      {
        id: '/subscriptions/00000000-0000-0000-0000-0000000000c2/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet1',
        type: 'Microsoft.Network/virtualNetworks',
        name: 'vnet1',
        apiVersion: '2023-04-01',
        location: 'northeurope',
      },
    ]);
    expect(snapshot.outputs).toEqual({
      id: '/subscriptions/00000000-0000-0000-0000-0000000000c2/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet1',
    });
    expect(compiled.parameters).toMatchObject({ parameters: { n: { value: 'vnet1' } } });
    expect(compiled.template).toMatchObject({ parameters: { n: { type: 'string' } } });
    expect(readdirSync(dir).sort()).toEqual(['main.bicep', 'main.bicepparam']);
  });
});

describe('bicep snapshot oracle on an ARM template', () => {
  const context = {
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    subscriptionId: '00000000-0000-0000-0000-0000000000a1',
    resourceGroup: 'rg',
    location: 'westeurope',
  };
  const withOutput = (value: string) => ({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [],
    outputs: { value: { type: 'string', value } },
  });

  it('evaluates template language functions as written, with no Bicep check in between', async () => {
    const result = await snapshotTemplateWithBicep(withOutput('[toUpper(resourceGroup().name)]'), context);
    expect(result).toEqual({ ok: true, snapshot: expect.objectContaining({ outputs: { value: 'RG' } }) });
  });

  it("gives the ARM engine's message, without exception type or stack, when the template fails", async () => {
    const result = await snapshotTemplateWithBicep(withOutput("[resourceId('a', 'b')]"), context);
    expect(result).toEqual({
      ok: false,
      error:
        "Unable to evaluate template language function 'resourceId': function requires exactly one multi-segmented argument which must be resource type including resource provider namespace. Current function arguments 'a,b'. Please see https://aka.ms/arm-resource-functions/#resourceid for usage details.",
    });
  });
});
