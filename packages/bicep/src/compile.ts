import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { findBicep, runBicep, runBicepArgs, type BicepCli, type BicepRun } from './cli.js';

/** One diagnostic the Bicep compiler or linter reported. */
export interface BicepDiagnostic {
  /** The file as the CLI printed it (an absolute path). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  level: 'Error' | 'Warning' | 'Info';
  /** A compiler code (`BCP036`) or a linter rule (`no-unused-params`). */
  code: string;
  message: string;
}

/** Which CLI to run; found with {@link findBicep} when not given. */
export interface CompileOptions {
  cli?: BicepCli;
  /** Receives warnings and infos of a successful build. */
  onDiagnostic?: (diagnostic: BicepDiagnostic) => void;
}

/** An ARM template (or parameters file) as JSON. */
export type ArmJson = Record<string, unknown>;

/** What `bicep build-params` produces: the parameters file and the template it is `using`. */
export interface BicepParamsBuild {
  parameters: ArmJson;
  /** The compiled template of the `using` file; absent when it refers to a template spec or registry. */
  template?: ArmJson;
  templateSpecId?: string;
}

const diagnosticLine = /^(.+)\((\d+),(\d+)\) : (Error|Warning|Info) ([^:\s]+): (.*?)(?: \[https?:[^\]]*\])?$/;

/** Parses the CLI's `file(line,column) : Level CODE: message [link]` lines; other lines are skipped. */
export function parseBicepDiagnostics(output: string): BicepDiagnostic[] {
  const diagnostics: BicepDiagnostic[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = diagnosticLine.exec(line.trim());
    if (!match) continue;
    const [, file, row, column, level, code, message] = match;
    diagnostics.push({
      file: file!,
      line: Number(row),
      column: Number(column),
      level: level as BicepDiagnostic['level'],
      code: code!,
      message: message!,
    });
  }
  return diagnostics;
}

/**
 * A diagnostic as one line a reader can jump to: `main.bicep:12:5 Error BCP036: …`.
 * @param base directory the file is shown relative to; the file as printed when absent.
 */
export function formatBicepDiagnostic(diagnostic: BicepDiagnostic, base?: string): string {
  const file = base === undefined ? diagnostic.file : relative(base, diagnostic.file) || diagnostic.file;
  return `${file}:${diagnostic.line}:${diagnostic.column} ${diagnostic.level} ${diagnostic.code}: ${diagnostic.message}`;
}

/** The CLI refused a file; carries the diagnostics it printed. */
export class BicepCompileError extends Error {
  constructor(
    message: string,
    readonly diagnostics: BicepDiagnostic[],
  ) {
    super(message);
    this.name = 'BicepCompileError';
  }
}

function failure(action: string, file: string, run: BicepRun): BicepCompileError {
  const diagnostics = parseBicepDiagnostics(run.stderr);
  const errors = diagnostics.filter((diagnostic) => diagnostic.level === 'Error');
  const quoted =
    errors.length > 0 ? errors.map((error) => formatBicepDiagnostic(error)).join('; ') : run.stderr.trim();
  return new BicepCompileError(`Bicep could not ${action} ${file}; fix these: ${quoted}`, diagnostics);
}

function parseJson(text: string, what: string): ArmJson {
  try {
    return JSON.parse(text) as ArmJson;
  } catch {
    throw new Error(`The Bicep CLI printed ${what} that is not JSON: check the CLI version.`);
  }
}

async function build(file: string, subcommand: string, options: CompileOptions): Promise<string> {
  const cli = options.cli ?? (await findBicep());
  const run = await runBicep(cli, subcommand, file, ['--stdout']);
  if (run.exitCode !== 0) throw failure('compile', file, run);
  for (const diagnostic of parseBicepDiagnostics(run.stderr)) options.onDiagnostic?.(diagnostic);
  return run.stdout;
}

/**
 * Compiles a `.bicep` file to its ARM template with `bicep build --stdout`; nothing is written beside it.
 * @throws {@link BicepCompileError} quoting each error with file, line and code.
 */
export async function compileBicep(file: string, options: CompileOptions = {}): Promise<ArmJson> {
  return parseJson(await build(file, 'build', options), 'a template');
}

/**
 * Compiles a `.bicepparam` file with `bicep build-params --stdout`: the parameters JSON and the template it uses.
 * @throws {@link BicepCompileError} quoting each error with file, line and code.
 */
export async function compileParams(file: string, options: CompileOptions = {}): Promise<BicepParamsBuild> {
  const output = parseJson(await build(file, 'build-params', options), 'a parameters build');
  const parametersJson = output.parametersJson;
  if (typeof parametersJson !== 'string') {
    throw new Error('The Bicep CLI printed no parametersJson for build-params: check the CLI version.');
  }
  const result: BicepParamsBuild = { parameters: parseJson(parametersJson, 'parameters') };
  if (typeof output.templateJson === 'string') result.template = parseJson(output.templateJson, 'a template');
  if (typeof output.templateSpecId === 'string') result.templateSpecId = output.templateSpecId;
  return result;
}

/**
 * Lints a `.bicep` or `.bicepparam` file with `bicep lint` under the nearest `bicepconfig.json`.
 * @returns every diagnostic, errors included; an empty list means the file is clean.
 */
export async function lintBicep(
  file: string,
  options: Pick<CompileOptions, 'cli'> = {},
): Promise<BicepDiagnostic[]> {
  const cli = options.cli ?? (await findBicep());
  const run = await runBicep(cli, 'lint', file);
  const diagnostics = parseBicepDiagnostics(run.stderr + '\n' + run.stdout);
  if (run.exitCode !== 0 && diagnostics.length === 0) {
    throw new Error(`bicep lint failed on ${file} without diagnostics: ${run.stderr.trim() || 'no output'}.`);
  }
  return diagnostics;
}

/**
 * Lints every `.bicep` and `.bicepparam` file under a directory: one `bicep lint --pattern` run for the
 * standalone CLI (it starts slowly), one run per file through `az bicep`, which lints one file at a time.
 */
export async function lintBicepTree(
  directory: string,
  options: Pick<CompileOptions, 'cli'> = {},
): Promise<BicepDiagnostic[]> {
  const cli = options.cli ?? (await findBicep());
  if (cli.kind === 'az') {
    const entries = await readdir(directory, { recursive: true, encoding: 'utf8' });
    const files = entries.filter((file) => /\.bicep(param)?$/.test(file)).sort();
    const results = [];
    for (const file of files) results.push(...(await lintBicep(join(directory, file), { cli })));
    return results;
  }
  const run = await runBicepArgs(cli, ['lint', '--pattern', '**/*.bicep*'], directory);
  const diagnostics = parseBicepDiagnostics(run.stderr + '\n' + run.stdout);
  if (run.exitCode !== 0 && diagnostics.length === 0) {
    throw new Error(
      `bicep lint failed under ${directory} without diagnostics: ${run.stderr.trim() || 'no output'}.`,
    );
  }
  return diagnostics;
}
