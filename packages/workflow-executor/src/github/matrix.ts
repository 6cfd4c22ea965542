/**
 * `strategy.matrix` expanded as GitHub does: the product of the lists, minus `exclude` (partial matches), then
 * each `include` entry added to every combination whose original values it does not overwrite, or as a new
 * combination when it fits none.
 */
import type { Value } from '../expressions/values.js';

/** One combination of matrix values. */
export type MatrixLeg = Record<string, Value>;

function product(lists: [string, Value[]][]): MatrixLeg[] {
  let legs: MatrixLeg[] = [{}];
  for (const [key, values] of lists) legs = legs.flatMap((leg) => values.map((v) => ({ ...leg, [key]: v })));
  return legs;
}

function same(a: Value | undefined, b: Value | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function matchesAll(leg: MatrixLeg, pattern: MatrixLeg): boolean {
  return Object.entries(pattern).every(([k, v]) => same(leg[k], v));
}

/** Expands a matrix (already evaluated) into its legs; an empty list when the matrix yields nothing. */
export function expandMatrix(matrix: Value, where: string): MatrixLeg[] {
  if (matrix === null || typeof matrix !== 'object' || Array.isArray(matrix)) {
    throw new Error(`${where}: strategy.matrix must be a mapping of lists.`);
  }
  const lists: [string, Value[]][] = [];
  for (const [key, values] of Object.entries(matrix)) {
    if (key === 'include' || key === 'exclude') continue;
    if (!Array.isArray(values)) throw new Error(`${where}: strategy.matrix.${key} must be a list.`);
    lists.push([key, values]);
  }
  const originalKeys = new Set(lists.map(([k]) => k));
  const excludes = (Array.isArray(matrix.exclude) ? matrix.exclude : []) as MatrixLeg[];
  let legs = lists.length ? product(lists).filter((leg) => !excludes.some((e) => matchesAll(leg, e))) : [];
  const bases = legs.map((leg) => ({ ...leg }));
  for (const include of (Array.isArray(matrix.include) ? matrix.include : []) as MatrixLeg[]) {
    let added = false;
    legs = legs.map((leg, i) => {
      const base = bases[i]!;
      const overwrites = Object.entries(include).some(
        ([k, v]) => originalKeys.has(k) && k in base && !same(base[k], v),
      );
      if (overwrites) return leg;
      added = true;
      return { ...leg, ...include };
    });
    if (!added) {
      legs.push({ ...include });
      bases.push({ ...include });
    }
  }
  return legs;
}
