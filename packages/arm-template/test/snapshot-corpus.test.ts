import { describe, expect, it } from '@jest/globals';
import { dirname, join, relative, resolve } from 'node:path';
import { contextForParamFile, contextForTemplate, findParamFiles } from './corpus-files.js';
import { fileURLToPath } from 'node:url';
import { buildParamsWithBicep, snapshotWithBicep } from '@azpn/bicep';
import { type ArmTemplate, expandTemplate, readParameterValues, toSnapshot } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const context = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  subscriptionId: '00000000-0000-0000-0000-0000000000a1',
  resourceGroup: 'rg-corpus',
  location: 'westeurope',
  deploymentName: 'corpus',
};

/**
 * Differences between the snapshot and ours, everywhere: a concrete value must be equal, and where ARM could not
 * compute a value before the deployment, ours must be the same expression text (a secure parameter kept as
 * `[parameters('name')]`, a reference() kept runtime, a value computed from either).
 */
function differences(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      return;
    }
    expected.forEach((e, i) => differences(e, actual[i], `${path}[${i}]`, out));
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
      out.push(`${path}: expected an object, got ${JSON.stringify(actual)}`);
      return;
    }
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys)
      differences(
        (expected as Record<string, unknown>)[k],
        (actual as Record<string, unknown>)[k],
        `${path}.${k}`,
        out,
      );
    return;
  }
  if (expected !== actual)
    out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

const corpus = [...findParamFiles(join(repo, 'bicep')), ...findParamFiles(join(here, 'corpus'))];

describe('expansion against bicep snapshot (the real ARM engine) on every .bicepparam of the repo and the corpus, runtime expressions included', () => {
  it('finds the corpus, subscription-scope templates included', () => {
    expect(corpus.filter((f) => /corpus[\\/]subscription-/.test(f)).length).toBeGreaterThanOrEqual(2);
    expect(corpus.filter((f) => f.includes(`${join('test', 'corpus')}`)).length).toBeGreaterThanOrEqual(7);
  });

  it.each(corpus.map((f) => [relative(repo, f), f]))(
    '%s gives the same predicted resources and outputs',
    async (_name, file) => {
      // A subscription-scope template is snapshot and expanded without a resource group.
      const where = contextForParamFile(file, context);
      const [snapshot, compiled] = await Promise.all([
        snapshotWithBicep(file, where),
        buildParamsWithBicep(file),
      ]);
      expect(contextForTemplate(compiled.template, context)).toEqual(where);
      const ours = toSnapshot(
        expandTemplate(compiled.template as ArmTemplate, {
          parameters: readParameterValues(compiled.parameters),
          context: where,
          predictDeclaredState: true,
          secureParametersAsExpressions: true,
        }),
      );
      const byId = (list: unknown[]) => new Map(list.map((r) => [(r as { id: string }).id.toLowerCase(), r]));
      const expected = byId(snapshot.predictedResources);
      const actual = byId(ours.predictedResources);
      expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
      const out: string[] = [];
      for (const [id, resource] of expected) differences(resource, actual.get(id), id, out);
      differences(snapshot.outputs ?? {}, ours.outputs, 'outputs', out);
      expect(out).toEqual([]);
      expect(snapshot.predictedResources.length).toBeGreaterThan(0);
    },
  );
});
