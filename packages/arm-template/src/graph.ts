import { ArmTemplateError } from './errors.js';

/**
 * Orders resources into waves: every resource in a wave depends only on resources of earlier waves, so the
 * resources of one wave can be deployed in parallel. A cycle fails with ARM's `InvalidTemplate` naming it.
 */
export function orderIntoWaves(dependencies: ReadonlyMap<string, readonly string[]>): string[][] {
  const remaining = new Map(
    [...dependencies].map(([id, deps]) => [id, new Set(deps.filter((d) => dependencies.has(d)))]),
  );
  const waves: string[][] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter(([, deps]) => deps.size === 0).map(([id]) => id);
    if (ready.length === 0) throw cycleError(remaining);
    for (const id of ready) remaining.delete(id);
    for (const deps of remaining.values()) for (const id of ready) deps.delete(id);
    waves.push(ready);
  }
  return waves;
}

function cycleError(remaining: Map<string, Set<string>>): ArmTemplateError {
  // Walk dependencies from any blocked node until one repeats: that loop is the cycle.
  const path: string[] = [];
  let current = remaining.keys().next().value as string;
  while (!path.includes(current)) {
    path.push(current);
    current = remaining.get(current)?.values().next().value as string;
  }
  const cycle = [...path.slice(path.indexOf(current)), current];
  return new ArmTemplateError(
    'InvalidTemplate',
    `Deployment template validation failed: 'Circular dependency detected on resource: '${cycle[0]}'. The cycle is ${cycle.map((c) => `'${c}'`).join(' -> ')}. Please see https://aka.ms/arm-template/#resources for usage details.'`,
    cycle[0],
  );
}
