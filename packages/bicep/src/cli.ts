import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a Bicep CLI was found, in the order {@link findBicep} looks. */
export type BicepSource = 'user' | 'tools' | 'path' | 'az';

/** A runnable Bicep CLI: the standalone `bicep` executable, or the one the Azure CLI wraps (`az bicep …`). */
export interface BicepCli {
  /** Executable to start: a path to `bicep`, or the `az` found on the PATH. */
  command: string;
  /** `standalone` takes the input file as an argument; `az` takes it as `--file`. */
  kind: 'standalone' | 'az';
  /** Version the CLI reports, such as `0.49.2`. */
  version: string;
  /** Where it was found. */
  source: BicepSource;
}

/** Where {@link findBicep} looks besides its defaults. */
export interface FindBicepOptions {
  /** A Bicep executable the user named; when given, it must work (no fallback). */
  path?: string;
  /** The PATH to search for `bicep` and `az`; defaults to this process's PATH. */
  searchPath?: string;
  /** The project's pinned CLI; defaults to `<repo>/tools/bicep/bicep`. */
  toolsBicep?: string;
}

/** What one CLI run printed and how it ended. */
export interface BicepRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * No usable Bicep CLI: the one the user named does not run (`named`), or none was found. The sentence says what
 * to do; it is the user's to fix, not a bug.
 */
export class BicepUnavailableError extends Error {
  constructor(
    message: string,
    readonly named: boolean,
  ) {
    super(message);
    this.name = 'BicepUnavailableError';
  }
}

const installHint =
  'No Bicep CLI found: install it (https://aka.ms/bicep/install, or `az bicep install`), put `bicep` on the PATH, or run `npm run setup`.';

/** The project's pinned CLI, installed by `scripts/setup.sh`. */
export function projectBicepPath(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../tools/bicep/bicep');
}

function runProcess(command: string, args: string[], cwd?: string): Promise<BicepRun> {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        fail(error);
        return;
      }
      done({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Reads `0.49.2` out of `Bicep CLI version 0.49.2 (b34271ac51)`. */
export function parseBicepVersion(output: string): string | undefined {
  return /Bicep CLI version (\d+\.\d+\.\d+)/.exec(output)?.[1];
}

async function probe(
  command: string,
  kind: BicepCli['kind'],
  source: BicepSource,
): Promise<BicepCli | undefined> {
  if (!(await isExecutable(command))) return undefined;
  const args = kind === 'az' ? ['bicep', 'version'] : ['--version'];
  const run = await runProcess(command, args).catch(() => undefined);
  const version = run && run.exitCode === 0 ? parseBicepVersion(run.stdout + run.stderr) : undefined;
  return version ? { command, kind, version, source } : undefined;
}

function onSearchPath(name: string, searchPath: string): string[] {
  return searchPath
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, name));
}

/**
 * Finds a Bicep CLI the way a runner would: the path the user gives, then the project's
 * `tools/bicep/bicep`, then `bicep` on the PATH, then `az bicep`.
 * @throws when the user's path does not run, or when none is found (one sentence on how to install).
 */
export async function findBicep(options: FindBicepOptions = {}): Promise<BicepCli> {
  if (options.path !== undefined) {
    const named = await probe(resolve(options.path), 'standalone', 'user');
    if (!named) {
      throw new BicepUnavailableError(
        `The Bicep CLI at ${options.path} does not run \`--version\`: give the path to a bicep executable, or leave it unset to use bicep on the PATH.`,
        true,
      );
    }
    return named;
  }
  const searchPath = options.searchPath ?? process.env.PATH ?? '';
  const tools = await probe(options.toolsBicep ?? projectBicepPath(), 'standalone', 'tools');
  if (tools) return tools;
  for (const candidate of onSearchPath('bicep', searchPath)) {
    const found = await probe(candidate, 'standalone', 'path');
    if (found) return found;
  }
  for (const candidate of onSearchPath('az', searchPath)) {
    const found = await probe(candidate, 'az', 'az');
    if (found) return found;
  }
  throw new BicepUnavailableError(installHint, false);
}

/**
 * Runs one Bicep subcommand on one input file, with the argument shape the CLI kind expects
 * (`bicep build x.bicep …` or `az bicep build --file x.bicep …`).
 */
export function runBicep(
  cli: BicepCli,
  subcommand: string,
  file: string,
  flags: string[] = [],
): Promise<BicepRun> {
  // The CLI runs from the file's folder (so relative `using` paths resolve as they do for users), so the file
  // itself must be named absolutely.
  const absolute = resolve(file);
  const args =
    cli.kind === 'az'
      ? ['bicep', subcommand, '--file', absolute, ...flags]
      : [subcommand, absolute, ...flags];
  return runProcess(cli.command, args, dirname(absolute));
}

/** Runs the CLI with arguments as given, from `cwd`. */
export function runBicepArgs(cli: BicepCli, args: string[], cwd?: string): Promise<BicepRun> {
  return runProcess(cli.command, cli.kind === 'az' ? ['bicep', ...args] : args, cwd);
}
