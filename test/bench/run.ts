/**
 * `npm run bench`: runs every benchmark and writes one JSON file per benchmark to bench/results/.
 * A benchmark is a `*.bench.ts` file under packages/*\/bench, actions/*\/bench or test/bench whose default
 * export resolves to a flat object of named figures (ratios measured in the same run among them).
 *
 *   npm run bench [-- NAME …]     only the benchmarks whose file names contain one of the NAMEs
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every benchmark file, in a stable order. */
export function findBenchmarks(): string[] {
  const folders = [join(root, 'test', 'bench')];
  for (const group of ['packages', 'actions']) {
    for (const name of readdirSync(join(root, group))) folders.push(join(root, group, name, 'bench'));
  }
  return folders
    .filter((folder) => existsSync(folder))
    .flatMap((folder) =>
      readdirSync(folder)
        .filter((f) => f.endsWith('.bench.ts'))
        .map((f) => join(folder, f)),
    )
    .sort();
}

function isFlatFigures(value: unknown): value is Record<string, number | string | boolean> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((v) => ['number', 'string', 'boolean'].includes(typeof v))
  );
}

async function main(filters: string[]): Promise<number> {
  const out = join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  let failures = 0;
  for (const file of findBenchmarks()) {
    const name = basename(file, '.bench.ts');
    if (filters.length > 0 && !filters.some((f) => name.includes(f))) continue;
    process.stdout.write(`bench ${relative(root, file)} … `);
    try {
      const module = (await import(pathToFileURL(file).href)) as { default: () => Promise<unknown> };
      const figures = await module.default();
      if (!isFlatFigures(figures)) throw new Error('a benchmark must resolve to a flat object of figures');
      writeFileSync(join(out, `${name}.json`), JSON.stringify(figures, null, 2) + '\n');
      console.log(JSON.stringify(figures));
    } catch (error) {
      failures++;
      console.log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(`results in ${relative(root, out)}/`);
  return failures > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
