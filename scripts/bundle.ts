/**
 * How one entry shell (an action's src/github.ts or src/ado.ts) becomes one bundle: esbuild, one ES module file,
 * minified, without chunks. esbuild rather than ncc: ncc (webpack) leaves lazily loaded chunks unminified, turns
 * an external into a static import (so `open` could not be left out), numbers modules with ids that all move
 * when the module count crosses a power of ten, and takes about ten seconds a bundle where esbuild takes a
 * fraction of one, which is what lets the tests rebuild every bundle twice.
 */
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { build, type Plugin } from 'esbuild';
import { schemaOptions } from '../packages/core/src/schema-options.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The file a bundle is written to, beside its launchers. */
export const bundleFile = 'action.js';

/**
 * Left as a dynamic import that never runs: `open` is what `@azure/identity` starts a browser with for
 * interactive sign-in, which no step offers.
 */
const external = ['open'];

/** Packages replaced by a stand-in under scripts/bundle-stubs/ (each stand-in says why that is safe). */
const stubs = { jsonwebtoken: './scripts/bundle-stubs/jsonwebtoken.ts' };

/**
 * The bundle is an ES module, but the CommonJS packages in it (the task library, ajv, yaml's older dependants)
 * call `require` for Node's own modules: this gives them one (and defines the FormData test below).
 */
const requireShim = [
  "import { createRequire as azpnCreateRequire } from 'node:module';",
  'const require = azpnCreateRequire(import.meta.url);',
  "const azpnIsFormData = (value) => Object.prototype.toString.call(value) === '[object FormData]';",
].join('\n');

/**
 * Loads Node's own modules with `require` rather than `import`: Node gives an imported built-in an ES module
 * facade that reads every export once, and `node:http`'s `WebSocket` export then loads Node's bundled undici
 * (about 10 ms of every start) although nothing uses it.
 */
const builtinsThroughRequire: Plugin = {
  name: 'builtins-through-require',
  setup(bundler) {
    bundler.onResolve({ filter: /^[a-z_:/]+$/ }, ({ path, kind, namespace }) => {
      if (!isBuiltin(path)) return undefined;
      if (kind === 'require-call' || namespace === 'builtin') return { path, external: true };
      // Side-effect free, so that an import left by a module tree-shaking dropped loads nothing.
      return { path: path.replace(/^node:/, ''), namespace: 'builtin', sideEffects: false };
    });
    bundler.onLoad({ filter: /.*/, namespace: 'builtin' }, ({ path }) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${path}`)});`,
      loader: 'js',
    }));
  },
};

/**
 * The HTTP runtime under every Azure SDK client asks `typeof FormData` of every request body; Node defines
 * `FormData` as a lazy global whose first read loads its bundled undici (15 ms or more), before the first call.
 * The same test, without reading the global: a FormData says so through its `Symbol.toStringTag`.
 */
const formDataTest = /typeof FormData !== "undefined" && (\w+) instanceof FormData/g;
const formDataWithoutGlobal: Plugin = {
  name: 'form-data-without-global',
  setup(bundler) {
    bundler.onLoad({ filter: /[/\\]@typespec[/\\]ts-http-runtime[/\\].*\.js$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      if (!text.includes('instanceof FormData')) return undefined;
      return { contents: text.replace(formDataTest, 'azpnIsFormData($1)'), loader: 'js' };
    });
  },
};

/** A source of ours: packages and actions only, never a dependency. */
const ourSource = /[/\\](?:packages|actions)[/\\][^/\\]+[/\\]src[/\\].*\.ts$/;
const exportedSchema = /^export const (\w+Schema)\b/gm;
const schemaKey = "Symbol.for('azpn.compiledValidator')";

// ajv's standalone module is CommonJS whose module.exports is the function (and also its `default`).
type StandaloneCode = (ajv: Ajv, validate: ReturnType<Ajv['compile']>) => string;
const standaloneCode = ((standalone as unknown as { default?: StandaloneCode }).default ??
  standalone) as unknown as StandaloneCode;

/** ajv's standalone validator for `schema`, as an ES module whose default export is the validate function. */
function standaloneValidator(schema: object): string {
  const ajv = new Ajv({ ...schemaOptions, code: { source: true, esm: true } });
  return standaloneCode(ajv, ajv.compile(schema));
}

/**
 * Compiles every exported `…Schema` of our sources when the bundle is built and attaches the validator to the
 * schema object (see `compiledValidator` in @azpn/core/structured-inputs): compiling a schema at run time costs
 * a step about 40 ms before its first call. With the lazy compiler {@link lazyModules} puts in, ajv is then set
 * up only for a schema not compiled here.
 */
const compiledSchemas: Plugin = {
  name: 'compiled-schemas',
  setup(bundler) {
    bundler.onLoad({ filter: ourSource }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      const names = [...text.matchAll(exportedSchema)].map((match) => match[1]!);
      if (names.length === 0) return undefined;
      const exported = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
      const attach = names
        .filter((name) => typeof exported[name] === 'object' && exported[name] !== null)
        .map((name) => {
          const at = `azpn-validator:${path}#${name}`;
          return `import ${name}Validator from ${JSON.stringify(at)};\nObject.defineProperty(${name}, ${schemaKey}, { value: ${name}Validator });`;
        });
      return { contents: [text, ...attach].join('\n'), loader: 'ts' };
    });
    bundler.onResolve({ filter: /^azpn-validator:/ }, ({ path }) => ({
      path: path.slice('azpn-validator:'.length),
      namespace: 'azpn-validator',
    }));
    bundler.onLoad({ filter: /.*/, namespace: 'azpn-validator' }, async ({ path }) => {
      const [file, name] = path.split('#') as [string, string];
      const schema = ((await import(pathToFileURL(file).href)) as Record<string, object>)[name]!;
      return { contents: standaloneValidator(schema), loader: 'js', resolveDir: root };
    });
  },
};

/**
 * Modules of ours that bundles replace with a stand-in which loads the same package only on first use (the
 * `require` in a stand-in becomes a bundled module set up on that call): ajv and yaml cost milliseconds of
 * module set-up that many runs never need.
 */
const lazyModules: Record<string, string> = {
  'packages/core/src/schema-compiler.ts': 'scripts/bundle-stubs/schema-compiler.ts',
  'packages/core/src/yaml-text.ts': 'scripts/bundle-stubs/yaml-text.ts',
};
const lazilyLoaded: Plugin = {
  name: 'lazily-loaded',
  setup(bundler) {
    bundler.onResolve({ filter: /^\.\.?\/.*\.js$/ }, ({ path, resolveDir }) => {
      const source = relative(root, join(resolveDir, path.replace(/\.js$/, '.ts'))).replace(/\\/g, '/');
      const standIn = lazyModules[source];
      return standIn ? { path: join(root, standIn) } : undefined;
    });
  },
};

/** Serves the given text in place of files on disk (by absolute path), so a test can bundle an edited source. */
function editedSources(sources: Record<string, string>): Plugin {
  return {
    name: 'edited-sources',
    setup(bundler) {
      bundler.onLoad({ filter: /\.ts$/ }, ({ path }) =>
        path in sources ? { contents: sources[path], loader: 'ts' } : undefined,
      );
    },
  };
}

/** Options for {@link bundle}. */
export interface BundleOptions {
  /** Minified unless false, for reading a profile. */
  minify?: boolean;
  /** TypeScript sources to use instead of the files on disk, by absolute path. */
  sources?: Record<string, string>;
}

/**
 * `entry` and everything it imports as one ES module, and the bytes each input file (by its path from the
 * repository root) takes in it.
 */
export async function bundle(
  entry: string,
  options: BundleOptions = {},
): Promise<{ code: string; inputs: Record<string, number> }> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    outfile: join(dirname(entry), bundleFile),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    minify: options.minify ?? true,
    legalComments: 'eof',
    external,
    alias: stubs,
    plugins: [
      ...(options.sources ? [editedSources(options.sources)] : []),
      lazilyLoaded,
      compiledSchemas,
      formDataWithoutGlobal,
      builtinsThroughRequire,
    ],
    banner: { js: requireShim },
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output || result.outputFiles.length !== 1)
    throw new Error(`${relative(root, entry)} built into ${result.outputFiles.length} files instead of one.`);
  const contents = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
  const inputs = Object.fromEntries(
    Object.entries(contents).map(([path, { bytesInOutput }]) => [path, bytesInOutput]),
  );
  return { code: output.text, inputs };
}

/** The names a bundle exports, from the last export clause in it (esbuild writes one, at the end). */
export function exportedNames(code: string): string[] {
  const clause = [...code.matchAll(/export\s*\{([^}]*)\}/g)].at(-1)?.[1] ?? '';
  return clause
    .split(',')
    .map(
      (part) =>
        part
          .trim()
          .split(/\s+as\s+/)
          .pop() ?? '',
    )
    .filter((name) => name !== '');
}
