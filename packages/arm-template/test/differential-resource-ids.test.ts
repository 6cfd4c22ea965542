import { describe, expect, it } from '@jest/globals';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildParamsWithBicep, snapshotTemplateWithBicep } from '@azpn/bicep';
import {
  type ArmTemplate,
  ArmTemplateError,
  evaluateExpression,
  expandTemplate,
  readParameterValues,
} from '../src/index.js';
import { contextForTemplate, findParamFiles } from './corpus-files.js';
import {
  functionCaseStrings,
  fixturesFromStrings,
  hasSlashInName,
  type IdFixture,
  resourceIdCalls,
} from './resource-id-cases.js';

const here = dirname(fileURLToPath(import.meta.url));
const context = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  subscriptionId: '00000000-0000-0000-0000-0000000000a1',
  resourceGroup: 'rg-ids',
  location: 'westeurope',
};

function templateWithOutputs(outputs: Record<string, { type: string; value: string }>): ArmTemplate {
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [],
    outputs,
  };
}

function ours(call: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: evaluateExpression(`[${call}]`, context) };
  } catch (error) {
    if (error instanceof ArmTemplateError) return { ok: false, error: error.message };
    throw error;
  }
}

/** Every resource type and name the corpus deploys, names split into their segments. */
async function corpusFixtures(): Promise<IdFixture[]> {
  const files = [...findParamFiles(join(here, 'corpus')), ...findParamFiles(resolve(here, '../../../bicep'))];
  const compiled = await Promise.all(files.map((f) => buildParamsWithBicep(f)));
  return compiled.flatMap((c) =>
    expandTemplate(c.template as ArmTemplate, {
      parameters: readParameterValues(c.parameters),
      context: contextForTemplate(c.template, { ...context, deploymentName: 'ids' }),
    }).resources.map((r) => ({ type: r.type, names: r.name.split('/') })),
  );
}

/**
 * Runs ARM on many calls in one snapshot: one array output per chunk of calls, each chunk under ARM's limit on the
 * length of one expression (81,920 characters), and at most ARM's 64 outputs.
 */
async function armResults(calls: string[]): Promise<unknown[]> {
  const chunks: string[][] = [[]];
  let length = 0;
  for (const call of calls) {
    if (length + call.length > 60_000) {
      chunks.push([]);
      length = 0;
    }
    chunks[chunks.length - 1]?.push(call);
    length += call.length + 2;
  }
  if (chunks.length > 64) throw new Error(`${calls.length} calls need more than ARM's 64 outputs.`);
  const outputs = Object.fromEntries(
    chunks.map((chunk, i) => [`c${i}`, { type: 'array', value: `[createArray(${chunk.join(', ')})]` }]),
  );
  const result = await snapshotTemplateWithBicep(templateWithOutputs(outputs), context);
  if (!result.ok) throw new Error(`ARM refused the batch: ${result.error}`);
  return chunks.flatMap((_c, i) => result.snapshot.outputs?.[`c${i}`] as unknown[]);
}

/** ARM's message for a call it refuses, one snapshot per call, two at a time. */
async function armRefusals(calls: string[]): Promise<string[]> {
  const messages: string[] = [];
  for (let i = 0; i < calls.length; i += 2) {
    const pair = calls.slice(i, i + 2).map(async (call) => {
      const result = await snapshotTemplateWithBicep(
        templateWithOutputs({ value: { type: 'string', value: `[${call}]` } }),
        context,
      );
      return result.ok ? `ARM accepted it: ${JSON.stringify(result.snapshot.outputs)}` : result.error;
    });
    messages.push(...(await Promise.all(pair)));
  }
  return messages;
}

describe('resource id functions against the ARM engine (bicep snapshot), on every fixture of the engine tests', () => {
  it('gives the same id for every function, form and trailing slash', async () => {
    const fixtures = [...(await corpusFixtures()), ...fixturesFromStrings(functionCaseStrings(20261123))];
    const calls = [...new Set(fixtures.filter((f) => !hasSlashInName(f)).flatMap(resourceIdCalls))];
    const expected = await armResults(calls);
    const mismatches = calls.flatMap((call, i) => {
      const actual = ours(call);
      if (!actual.ok) return [`${call}: ARM gave ${JSON.stringify(expected[i])}, we failed: ${actual.error}`];
      return actual.value === expected[i]
        ? []
        : [`${call}: ARM gave ${JSON.stringify(expected[i])}, we gave ${JSON.stringify(actual.value)}`];
    });
    expect(calls.length).toBeGreaterThan(500);
    expect(mismatches).toEqual([]);
  });

  it("refuses what ARM refuses, in ARM's words: a name holding a slash, a type too far right, a name missing", async () => {
    const slashed = fixturesFromStrings(functionCaseStrings(20261123)).find(hasSlashInName) as IdFixture;
    const refused = [
      "resourceId('Microsoft.Network/loadBalancers/inboundNatRules', 'lb/r')",
      ...resourceIdCalls(slashed).filter((_c, i) => i % 4 === 0),
      "resourceId('a', 'b', 'c', 'Microsoft.Network/loadBalancers/', 'lb')",
      "tenantResourceId('Microsoft.Network/loadBalancers/inboundNatRules/', 'lb')",
      "extensionResourceId('subscriptions', 'Microsoft.Network/loadBalancers/', 'lb')",
      "subscriptionResourceId('not-a-guid', 'Microsoft.Network/loadBalancers/', 'lb')",
    ];
    const messages = await armRefusals(refused);
    const mismatches = refused.flatMap((call, i) => {
      const actual = ours(call);
      const expected = messages[i] as string;
      if (actual.ok)
        return [`${call}: ARM refused it (${expected}), we gave ${JSON.stringify(actual.value)}`];
      return actual.error.includes(expected)
        ? []
        : [`${call}: ARM said ${expected}\n  we said ${actual.error}`];
    });
    expect(mismatches).toEqual([]);
  });
});
