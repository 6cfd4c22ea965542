/**
 * Compiles and lints every Bicep module, and fails on any diagnostic (warnings included).
 *
 *   npm run build:bicep                          build every bicep/**\/main.bicep and *.bicepparam, lint every file
 *   npm run build:bicep -- --snapshots           also rewrite the reviewed `bicep snapshot` baselines
 *   npm run build:bicep -- --root DIR            check another tree (the tests use this)
 *
 * Templates are compiled to stdout, so no .json lands beside the sources; the lint rules live in
 * bicep/bicepconfig.json. Snapshots use the context in bicep/snapshot-context.json.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  compileBicep,
  compileParams,
  findBicep,
  formatBicepDiagnostic,
  lintBicepTree,
  BicepCompileError,
  type BicepCli,
  type BicepDiagnostic,
} from '@azpn/bicep';

const repo = resolve(fileURLToPath(import.meta.url), '../..');

interface Options {
  root: string;
  snapshots: boolean;
}

function parseArgs(args: string[]): Options {
  const options: Options = { root: join(repo, 'bicep'), snapshots: false };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--snapshots') options.snapshots = true;
    else if (args[i] === '--root' && args[i + 1]) options.root = resolve(args[++i]!);
    else throw new Error(`Unknown argument ${args[i]}: use --snapshots or --root DIR.`);
  }
  return options;
}

function sourceFiles(root: string): string[] {
  return (
    readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.bicep') || file.endsWith('.bicepparam'))
      // Dot-files are temporary copies other tools make beside the sources (the snapshot oracle does).
      .filter((file) => !file.split('/').some((part) => part.startsWith('.')))
      .map((file) => join(root, file))
      .sort()
  );
}

/** Build and lint report the same linter warnings: count each once. */
function addUnique(found: Map<string, BicepDiagnostic>, diagnostics: BicepDiagnostic[]): void {
  for (const d of diagnostics) found.set(`${d.file}:${d.line}:${d.column}:${d.code}`, d);
}

async function buildOne(cli: BicepCli, file: string, root: string, found: Map<string, BicepDiagnostic>) {
  const warnings: BicepDiagnostic[] = [];
  const onDiagnostic = (d: BicepDiagnostic) => warnings.push(d);
  try {
    if (file.endsWith('.bicepparam')) {
      const built = await compileParams(file, { cli, onDiagnostic });
      const count = Object.keys((built.parameters.parameters as object | undefined) ?? {}).length;
      console.log(`built    ${relative(root, file)} (${count} parameters)`);
    } else {
      const template = await compileBicep(file, { cli, onDiagnostic });
      const resources = Object.keys((template.resources as object | undefined) ?? {}).length;
      console.log(`built    ${relative(root, file)} (${resources} top-level resources)`);
    }
  } catch (error) {
    if (!(error instanceof BicepCompileError)) throw error;
    addUnique(found, error.diagnostics);
    console.log(`FAILED   ${relative(root, file)}`);
  }
  addUnique(found, warnings);
}

async function lintAll(cli: BicepCli, root: string, files: string[], found: Map<string, BicepDiagnostic>) {
  const diagnostics = await lintBicepTree(root, { cli });
  addUnique(found, diagnostics);
  console.log(`linted   ${files.length} files (${diagnostics.length} diagnostics)`);
}

async function snapshot(cli: BicepCli, file: string, root: string): Promise<void> {
  const context = JSON.parse(readFileSync(join(repo, 'bicep/snapshot-context.json'), 'utf8')) as Record<
    string,
    string
  >;
  const args = ['snapshot', file, '--mode', 'overwrite'];
  // A template for subscription scope (targetScope = 'subscription') is snapshot without a resource group.
  const atSubscription = targetsSubscription(file);
  for (const [flag, key] of [
    ['--tenant-id', 'tenantId'],
    ['--subscription-id', 'subscriptionId'],
    ['--resource-group', 'resourceGroup'],
    ['--location', 'location'],
  ] as const) {
    if (!(atSubscription && key === 'resourceGroup')) args.push(flag, context[key]!);
  }
  const env = { ...process.env };
  delete env.FORWARDER_SSH_PUBLIC_KEY; // the baselines record the parameter files' defaults
  await promisify(execFile)(cli.command, args, { env, maxBuffer: 256 * 1024 * 1024 });
  const written = file.replace(/\.bicepparam$/, '.snapshot.json');
  stableOutputs(written);
  console.log(`snapshot ${relative(root, written)}`);
}

/** True when the Bicep file a `.bicepparam` uses declares `targetScope = 'subscription'`. */
function targetsSubscription(paramFile: string): boolean {
  const using = /^using\s+'([^']+\.bicep)'/m.exec(readFileSync(paramFile, 'utf8'))?.[1];
  if (using === undefined) return false;
  return /^targetScope\s*=\s*'subscription'/m.test(readFileSync(join(dirname(paramFile), using), 'utf8'));
}

/** `bicep snapshot` writes the outputs in no fixed order: sort them by name, so a baseline changes only with its content. */
function stableOutputs(file: string): void {
  const text = readFileSync(file, 'utf8');
  const parsed = JSON.parse(text) as { outputs?: Record<string, unknown> };
  if (!parsed.outputs) return;
  parsed.outputs = Object.fromEntries(
    Object.entries(parsed.outputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  writeFileSync(file, JSON.stringify(parsed, null, 2) + (text.endsWith('\n') ? '\n' : ''));
}

/** Runs tasks two at a time: the CLI is slow to start and the machine has few cores. */
async function inPairs<T>(items: T[], task: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 2) await Promise.all(items.slice(i, i + 2).map(task));
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const cli = await findBicep();
  console.log(
    `Bicep CLI ${cli.version} (${cli.source}: ${cli.command}) on ${relative(repo, options.root) || '.'}`,
  );
  const files = sourceFiles(options.root);
  const builds = files.filter((file) => file.endsWith('/main.bicep') || file.endsWith('.bicepparam'));
  const found = new Map<string, BicepDiagnostic>();
  await inPairs(builds, (file) => buildOne(cli, file, options.root, found));
  await lintAll(cli, options.root, files, found);
  if (found.size > 0) {
    for (const diagnostic of found.values()) console.log(formatBicepDiagnostic(diagnostic, repo));
    console.log(`${found.size} diagnostics: fix them (warnings count), then run npm run build:bicep again.`);
    return 1;
  }
  if (options.snapshots) {
    await inPairs(
      files.filter((file) => file.endsWith('.bicepparam')),
      (file) => snapshot(cli, file, options.root),
    );
  }
  console.log(`${builds.length} builds and ${files.length} files linted: no diagnostics.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
