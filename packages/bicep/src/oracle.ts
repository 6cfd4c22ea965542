import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, copyFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the real Bicep CLI is: the repository's pinned copy unless the caller names another. */
export interface BicepOracleOptions {
  /** Path to the `bicep` executable; defaults to `<repo>/tools/bicep/bicep`. */
  bicepPath?: string;
}

/** One expression's result from `bicep console`: its JSON value, or the console's error text. */
export type ConsoleResult = { ok: true; value: unknown } | { ok: false; error: string };

/** The deployment context `bicep snapshot` predicts resources in. */
export interface SnapshotContext {
  tenantId: string;
  subscriptionId: string;
  /** The resource group; leave it out for a subscription-scope template (`targetScope = 'subscription'`). */
  resourceGroup?: string;
  /** The resource group's location, or the deployment's location at subscription scope. */
  location: string;
  deploymentName?: string;
}

/** What `bicep snapshot` writes: the resources it predicts, its diagnostics and the outputs. */
export interface BicepSnapshot {
  predictedResources: Record<string, unknown>[];
  diagnostics: unknown[];
  outputs?: Record<string, unknown>;
}

function defaultBicepPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '../../../tools/bicep/bicep');
}

function bicepExecutable(options: BicepOracleOptions): string {
  const path = options.bicepPath ?? defaultBicepPath();
  if (!existsSync(path)) {
    throw new Error(`The Bicep CLI is not at ${path}: run \`npm run setup\` or pass bicepPath.`);
  }
  return path;
}

/** Reads a Bicep single-quoted string literal as `bicep console` prints it. */
function unquoteBicepString(literal: string): string {
  const body = literal.slice(1, -1);
  return body.replace(/\\(u\{([0-9a-fA-F]+)\}|.)/g, (_all, escape: string, hex?: string) => {
    if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16));
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', $: '$', "'": "'", '\\': '\\' };
    return simple[escape] ?? escape;
  });
}

/**
 * True when brackets and string literals close on the line. The console keeps reading lines until they do,
 * which would swallow the markers that keep results aligned, so such an expression is never sent.
 */
function isBalanced(expression: string): boolean {
  const closing: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const open: string[] = [];
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i] as string;
    if (c === "'") {
      for (i++; i < expression.length && expression[i] !== "'"; i++) if (expression[i] === '\\') i++;
      if (i >= expression.length) return false;
    } else if (closing[c]) open.push(closing[c]);
    else if (c === ')' || c === ']' || c === '}') {
      if (open.pop() !== c) return false;
    }
  }
  return open.length === 0;
}

function runConsole(bicep: string, input: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bicep, ['console'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise(out) : reject(new Error(`bicep console exited ${code}: ${err.trim()}`)),
    );
    child.stdin.end(input);
  });
}

/**
 * Evaluates Bicep expressions with the real ARM engine inside `bicep console`, all in one process.
 * Each expression is wrapped as `string([expr])`, so its result comes back as one JSON line whatever its type,
 * and preceded by a marker line that keeps results aligned even when the console reports an error over several lines.
 */
export async function evaluateWithBicepConsole(
  expressions: string[],
  options: BicepOracleOptions = {},
): Promise<ConsoleResult[]> {
  const bicep = bicepExecutable(options);
  for (const [i, expression] of expressions.entries()) {
    if (/[\r\n]/.test(expression))
      throw new Error(`Expression ${i} spans several lines; give one line each.`);
  }
  const sendable = expressions.map(isBalanced);
  const input = expressions.map((e, i) => (sendable[i] ? `'#${i}'\nstring([${e}])\n` : '')).join('');
  const lines = (await runConsole(bicep, input)).split(/\r?\n/);
  const segments = new Map<number, string[]>();
  let current: string[] | undefined;
  for (const line of lines) {
    const marker = /^'#(\d+)'$/.exec(line);
    if (marker) {
      current = [];
      segments.set(Number(marker[1]), current);
    } else if (current && line !== '') current.push(line);
  }
  return expressions.map((_e, i) => {
    if (!sendable[i]) return { ok: false, error: 'unbalanced brackets or quotes: not sent to bicep console' };
    const segment = segments.get(i);
    if (!segment) return { ok: false, error: 'bicep console printed no result for this expression' };
    if (segment.length === 1 && /^'.*'$/.test(segment[0] as string)) {
      const parsed = JSON.parse(unquoteBicepString(segment[0] as string)) as unknown[];
      return { ok: true, value: parsed[0] };
    }
    return { ok: false, error: segment.join('\n') };
  });
}

function execBicep(bicep: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile(bicep, args, { maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`bicep ${args[0]} failed: ${stderr.trim() || error.message}`));
      else resolvePromise();
    });
  });
}

/**
 * Runs `bicep snapshot` on a `.bicepparam` file in the given context and returns the snapshot it writes.
 * The parameters file is copied next to itself under a temporary name so the caller's tree is left untouched.
 */
export async function snapshotWithBicep(
  paramsFile: string,
  context: SnapshotContext,
  options: BicepOracleOptions = {},
): Promise<BicepSnapshot> {
  const bicep = bicepExecutable(options);
  const work = await mkdtemp(join(tmpdir(), 'bicep-snapshot-'));
  try {
    // snapshot writes `<name>.snapshot.json` beside its input; a copy in a temp dir would break `using` paths,
    // so the copy stays in the same folder under a unique name and is removed afterwards.
    const source = resolve(paramsFile);
    const copy = join(dirname(source), `.${basename(work)}.${basename(source)}`);
    await copyFile(source, copy);
    const written = copy.replace(/\.bicepparam$/, '.snapshot.json');
    try {
      const args = ['snapshot', copy, '--mode', 'overwrite'];
      args.push('--tenant-id', context.tenantId, '--subscription-id', context.subscriptionId);
      if (context.resourceGroup !== undefined) args.push('--resource-group', context.resourceGroup);
      args.push('--location', context.location);
      if (context.deploymentName) args.push('--deployment-name', context.deploymentName);
      await execBicep(bicep, args);
      return JSON.parse(await readFile(written, 'utf8')) as BicepSnapshot;
    } finally {
      await rm(copy, { force: true });
      await rm(written, { force: true });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Compiles a `.bicep` file to its ARM template JSON with the real Bicep CLI. */
export async function buildTemplateWithBicep(
  bicepFile: string,
  options: BicepOracleOptions = {},
): Promise<unknown> {
  const bicep = bicepExecutable(options);
  const work = await mkdtemp(join(tmpdir(), 'bicep-build-'));
  try {
    await execBicep(bicep, ['build', resolve(bicepFile), '--outdir', work]);
    const [file] = (await readdir(work)).filter((f) => f.endsWith('.json'));
    return JSON.parse(await readFile(join(work, file as string), 'utf8')) as unknown;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A `.bicepparam` file compiled by `bicep build-params`: its parameters file and the template it uses. */
export interface CompiledParameters {
  parameters: unknown;
  template: unknown;
}

/** Compiles a `.bicepparam` file with the real Bicep CLI into its ARM parameters JSON and ARM template JSON. */
export async function buildParamsWithBicep(
  paramsFile: string,
  options: BicepOracleOptions = {},
): Promise<CompiledParameters> {
  const bicep = bicepExecutable(options);
  const stdout = await new Promise<string>((resolvePromise, reject) => {
    execFile(
      bicep,
      ['build-params', resolve(paramsFile), '--stdout'],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, out, stderr) => {
        if (error) reject(new Error(`bicep build-params failed: ${stderr.trim() || error.message}`));
        else resolvePromise(out);
      },
    );
  });
  const compiled = JSON.parse(stdout) as { parametersJson: string; templateJson?: string };
  if (!compiled.templateJson) throw new Error(`bicep build-params gave no template for ${paramsFile}.`);
  return {
    parameters: JSON.parse(compiled.parametersJson) as unknown,
    template: JSON.parse(compiled.templateJson) as unknown,
  };
}

/** What `bicep snapshot` gave for a template: its snapshot, or the ARM engine's own error message. */
export type TemplateSnapshotResult = { ok: true; snapshot: BicepSnapshot } | { ok: false; error: string };

/** The ARM engine's message in what `bicep snapshot` printed when it failed: no exception type, no stack. */
function armMessageIn(failure: string): string {
  const line = failure.split('\n').find((l) => /exception|could not be completed/i.test(l)) ?? failure;
  const wrapped = /for the following reason: '(.*)'\.?$/.exec(line);
  if (wrapped) return wrapped[1] as string;
  return line.replace(/^.*?Unhandled exception: [\w.]+Exception: /, '').trim();
}

/**
 * Runs `bicep snapshot` on an ARM template JSON (not Bicep), so template language functions reach the ARM engine
 * exactly as written, with no Bicep type check in between. A template error comes back as ARM's message.
 */
export async function snapshotTemplateWithBicep(
  template: unknown,
  context: SnapshotContext,
  options: BicepOracleOptions = {},
): Promise<TemplateSnapshotResult> {
  const work = await mkdtemp(join(tmpdir(), 'bicep-template-'));
  try {
    await writeFile(join(work, 'template.json'), JSON.stringify(template));
    await writeFile(join(work, 'main.bicepparam'), "using 'template.json'\n");
    return { ok: true, snapshot: await snapshotWithBicep(join(work, 'main.bicepparam'), context, options) };
  } catch (error) {
    const message = (error as Error).message;
    if (!message.startsWith('bicep snapshot failed')) throw error;
    return { ok: false, error: armMessageIn(message) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
