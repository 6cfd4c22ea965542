/**
 * What each lever of the bundle build pays (`npm run bench -- bundle-levers`): the steps with the most to load
 * (deploy and jumpbox-probe on GitHub, preview on both platforms) are built as they ship and once more with each lever of
 * scripts/bundle.ts turned off, into a temporary folder, and every variant is timed in the same interleaved run
 * as the bundles benchmark times the committed ones: from spawn to the first connection (through a cloud URL),
 * fastest of several cold starts, minus a bare `node -e 0`, over it. `<step>_<variant>_over_bare_node` and
 * `<step>_<variant>_kib` (the platform folder: bundle, chunks, launcher).
 *
 * Levers: `minify`; `chunks` (what is loaded only through import(), such as a code host's client, in chunks of its
 * own); `lazy_parsers` (ajv and yaml set up on first use); `build_time_schemas` (validators compiled by the build).
 * The levers that are not build options are measured elsewhere: Node's compile cache is the bundles benchmark's
 * `…_warm_over_bare_node`; a post step sharing its main step's bundle is its post `…_warm_over_bare_node`; SDK clients
 * and the platform libraries left out are in the sizes of the committed bundles and in the commits that did it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launcher } from '../../scripts/build-dist.js';
import { bundle, bundleFile, type BundleOptions } from '../../scripts/bundle.js';
import { coldStartScenarios } from './bundle-scenarios.js';
import { bareNodeStart, timeToFirstConnection } from './first-connection.js';
import { jobFolder, stepEnvironment, type TimedStep } from './step-environment.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runs = 11;

const variants: Record<string, BundleOptions> = {
  shipped: {},
  no_minify: { minify: false },
  no_chunks: { splitting: false },
  no_lazy_parsers: { lazyParsers: false },
  no_build_time_schemas: { buildTimeSchemas: false },
};

const measured: { action: string; platform: 'github' | 'ado' }[] = [
  { action: 'deploy', platform: 'github' },
  // Its probes are a structured input: the step the build-time schemas were made for.
  { action: 'jumpbox-probe', platform: 'github' },
  { action: 'preview', platform: 'github' },
  { action: 'preview', platform: 'ado' },
];

/** Builds one variant of a step's platform folder under `folder`; its size in KiB. */
async function buildVariant(action: string, platform: string, options: BundleOptions, folder: string) {
  const { code, chunks } = await bundle(join(root, 'actions', action, 'src', `${platform}.ts`), options);
  const files: Record<string, string> = {
    [bundleFile]: code,
    ...chunks,
    'index.js': launcher('main'),
    'package.json': '{"type":"module"}\n',
  };
  let bytes = 0;
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, name)), { recursive: true });
    writeFileSync(join(folder, name), text);
    bytes += Buffer.byteLength(text);
  }
  return Math.round(bytes / 1024);
}

export default async function leverFigures(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const scratch = mkdtempSync(join(tmpdir(), 'azpn-bench-levers-'));
  try {
    try {
      setPriority(-10);
    } catch {
      // Not root: noisier figures, not wrong ones.
    }
    const steps: (TimedStep & { name: string })[] = [];
    for (const { action, platform } of measured) {
      for (const [variant, options] of Object.entries(variants)) {
        const folder = join(scratch, 'dist', `${action}-${platform}-${variant}`);
        const name = `${action}_${platform}_${variant}`;
        figures[`${name}_kib`] = await buildVariant(action, platform, options, folder);
        const scenario = coldStartScenarios[action]!.main;
        steps.push({ name, action, platform, stage: 'main', entry: join(folder, 'index.js'), scenario });
      }
    }
    const bare: number[] = [];
    const cold = new Map<string, number[]>(steps.map((s) => [s.name, []]));
    for (let i = 0; i < runs; i++) {
      for (const step of steps) {
        bare.push(bareNodeStart().wallMs);
        const workDir = jobFolder(scratch, step, `${step.name}-${i}`);
        const cacheDir = join(scratch, `empty-${step.name}-${i}`);
        const { wallMs } = await timeToFirstConnection(
          step.entry,
          (port) => stepEnvironment(step, { workDir, cacheDir }, 'custom', port),
          { cwd: join(workDir, 'workspace') },
        );
        cold.get(step.name)!.push(wallMs);
      }
    }
    const floor = Math.min(...bare);
    figures.bare_node_start_ms = Math.round(floor);
    for (const [name, times] of cold)
      figures[`${name}_over_bare_node`] = Number(((Math.min(...times) - floor) / floor).toFixed(2));
    return figures;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
