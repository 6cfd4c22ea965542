/**
 * Expanding templates with this engine against `bicep snapshot` on the same input, measured in the same run:
 * the forwarder (and every other `bicep/**` parameters file) plus the test corpus.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { contextForTemplate, findParamFiles } from '../test/corpus-files.js';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildParamsWithBicep, snapshotWithBicep } from '@azpn/bicep';
import { type ArmTemplate, type ArmValue, expandTemplate, readParameterValues } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const context = {
  tenantId: 't',
  subscriptionId: '00000000-0000-0000-0000-0000000000b1',
  resourceGroup: 'rg-bench',
  location: 'westeurope',
  deploymentName: 'bench',
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** Runs the benchmark and returns its figures. */
export default async function bench(): Promise<Record<string, number>> {
  const files = [...findParamFiles(join(repo, 'bicep')), ...findParamFiles(join(here, '../test/corpus'))];
  const figures: Record<string, number> = {};
  let expandTotal = 0;
  let snapshotTotal = 0;
  let peakHeap = 0;
  for (const file of files) {
    const key = relative(repo, file)
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/_bicepparam$/, '');
    const compiled = await buildParamsWithBicep(file);
    // Subscription-scope templates deploy (and snapshot) without a resource group.
    const where = contextForTemplate(compiled.template, context);
    const options = {
      parameters: readParameterValues(compiled.parameters) as Record<string, ArmValue>,
      context: where,
      predictDeclaredState: true,
    };
    const template = compiled.template as ArmTemplate;
    for (let i = 0; i < 20; i++) expandTemplate(template, options); // warm up the JIT and the expression cache
    const heapBefore = process.memoryUsage().heapUsed;
    const expandTimes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const start = performance.now();
      expandTemplate(template, options);
      expandTimes.push(performance.now() - start);
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - heapBefore);
    }
    await snapshotWithBicep(file, where); // the first call pays for the .NET start-up cache
    const snapshotTimes: number[] = [];
    for (let i = 0; i < 2; i++) {
      const start = performance.now();
      await snapshotWithBicep(file, where);
      snapshotTimes.push(performance.now() - start);
    }
    const expandMs = median(expandTimes);
    const snapshotMs = median(snapshotTimes);
    figures[`${key}_expand_ms`] = round(expandMs);
    figures[`${key}_snapshot_ms`] = round(snapshotMs, 1);
    figures[`${key}_speedup`] = round(snapshotMs / expandMs, 1);
    expandTotal += expandMs;
    snapshotTotal += snapshotMs;
  }
  figures.templates = files.length;
  figures.expand_ms_per_template = round(expandTotal / files.length);
  figures.snapshot_ms_per_template = round(snapshotTotal / files.length, 1);
  figures.speedup = round(snapshotTotal / expandTotal, 1);
  figures.expand_heap_growth_mb = round(peakHeap / 1024 / 1024, 2);
  figures.rss_mb = round(process.memoryUsage().rss / 1024 / 1024, 1);
  return figures;
}
