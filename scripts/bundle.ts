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

/** The folder, beside it, of the chunks it loads on first use. */
export const chunkFolder = 'chunks';

/**
 * Left as a dynamic import that never runs: `open` is what `@azure/identity` starts a browser with for
 * interactive sign-in, which no step offers.
 */
const external = ['open'];

/** Packages replaced by a stand-in under scripts/bundle-stubs/ (each stand-in says why that is safe). */
const stubs = { jsonwebtoken: './scripts/bundle-stubs/jsonwebtoken.ts' };

/**
 * The bundle is an ES module, but the CommonJS packages in it (ajv, azure-devops-node-api, yaml's older
 * dependants) call `require` for Node's own modules and may read `__dirname`: this gives them both (and defines
 * the FormData test below).
 */
const requireShim = [
  "import { createRequire as azpnCreateRequire } from 'node:module';",
  'const require = azpnCreateRequire(import.meta.url);',
  // CommonJS code that reads its own folder (azure-devops-node-api's WebApi reads package.json beside it for its
  // user agent): the bundle's folder.
  "const __filename = require('node:url').fileURLToPath(import.meta.url);",
  "const __dirname = require('node:path').dirname(__filename);",
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

/** The platform a bundle is built for, from its entry shell's name (src/github.ts or src/ado.ts). */
export type BundlePlatform = 'github' | 'ado';

/**
 * Each platform's code-host client, which a step calls only on its own platform (it branches on the platform it
 * runs on): the other platform's bundle gets an absent module in its place. azure-devops-node-api is about 1 MB
 * of a GitHub bundle, @actions/github and the undici it brings 0.5 MB of an Azure DevOps one.
 */
const platformPackages: Record<BundlePlatform, RegExp> = {
  github: /^@actions\/github(?:\/|$)/,
  ado: /^azure-devops-node-api(?:\/|$)/,
};

/**
 * The API clients of azure-devops-node-api that steps call (through WebApi, which finds their resource area with
 * the Locations API): WebApi requires all thirty at load, about 0.8 MB of bundle, and only these get called.
 */
const calledDevOpsClients = new Set(['./GitApi', './WorkItemTrackingApi', './LocationsApi']);

/** A module left out of a bundle: loading it costs nothing, using it says what is missing. */
const absentModule = (what: string) =>
  [
    'module.exports = new Proxy({}, { get(_, name) {',
    "  if (typeof name === 'symbol' || name === '__esModule' || name === 'then') return undefined;",
    `  throw new Error(${JSON.stringify(`${what} is not part of this bundle (scripts/bundle.ts).`)});`,
    '} });',
  ].join('\n');

function leftOut(platform: BundlePlatform | undefined): Plugin {
  return {
    name: 'left-out',
    setup(bundler) {
      bundler.onResolve({ filter: /^[@\w]/ }, ({ path }) => {
        const other = platform && (platform === 'github' ? platformPackages.ado : platformPackages.github);
        return other?.test(path) ? { path, namespace: 'azpn-absent' } : undefined;
      });
      bundler.onResolve({ filter: /^\.\/\w+Api$/ }, ({ path, importer }) =>
        /azure-devops-node-api[/\\]WebApi\.js$/.test(importer) && !calledDevOpsClients.has(path)
          ? { path: `azure-devops-node-api/${path.slice(2)}`, namespace: 'azpn-absent' }
          : undefined,
      );
      bundler.onLoad({ filter: /.*/, namespace: 'azpn-absent' }, ({ path }) => ({
        contents: absentModule(path),
        loader: 'js',
      }));
    },
  };
}

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
  /**
   * The levers below are on unless false; the bundle-levers benchmark turns each off to measure what it pays.
   * Chunks for what is loaded only through import().
   */
  splitting?: boolean;
  /** The stand-ins that set up ajv and yaml on first use. */
  lazyParsers?: boolean;
  /** Validators of exported schemas compiled when the bundle is built. */
  buildTimeSchemas?: boolean;
}

/** The platform of an entry shell, by its file name; none for any other entry. */
function platformOf(entry: string): BundlePlatform | undefined {
  const name = entry.replace(/\\/g, '/').split('/').pop();
  return name === 'github.ts' ? 'github' : name === 'ado.ts' ? 'ado' : undefined;
}

/**
 * `entry` and everything it imports as one ES module (`code`), with the chunks it imports on first use (by their
 * path beside it), and the bytes each input file (by its path from the repository root) takes in them all
 * (`inputs`) and in `code` (`entryInputs`).
 */
export async function bundle(
  entry: string,
  options: BundleOptions = {},
): Promise<{
  code: string;
  chunks: Record<string, string>;
  inputs: Record<string, number>;
  entryInputs: Record<string, number>;
}> {
  const outdir = dirname(entry);
  const result = await build({
    entryPoints: { [bundleFile.replace(/\.js$/, '')]: entry },
    absWorkingDir: root,
    outdir,
    // What is loaded only through import() (a code host's client) goes into a chunk of its own, read and
    // compiled only by the runs that call it; its name is its content's hash, so it changes only when it does.
    splitting: options.splitting ?? true,
    chunkNames: `${chunkFolder}/[name]-[hash]`,
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
      leftOut(platformOf(entry)),
      ...(options.lazyParsers === false ? [] : [lazilyLoaded]),
      ...(options.buildTimeSchemas === false ? [] : [compiledSchemas]),
      formDataWithoutGlobal,
      builtinsThroughRequire,
    ],
    banner: { js: requireShim },
    logLevel: 'silent',
  });
  const named = (path: string) => relative(resolve(root, outdir), path).replace(/\\/g, '/');
  const files = new Map(result.outputFiles.map((file) => [named(file.path), file.text]));
  const code = files.get(bundleFile);
  if (code === undefined) throw new Error(`${relative(root, entry)} built no ${bundleFile}.`);
  files.delete(bundleFile);
  const inputs: Record<string, number> = {};
  const entryInputs: Record<string, number> = {};
  for (const [output, { inputs: parts }] of Object.entries(result.metafile.outputs))
    for (const [path, { bytesInOutput }] of Object.entries(parts)) {
      inputs[path] = (inputs[path] ?? 0) + bytesInOutput;
      if (named(resolve(root, output)) === bundleFile) entryInputs[path] = bytesInOutput;
    }
  return { code, chunks: Object.fromEntries(files), inputs, entryInputs };
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
