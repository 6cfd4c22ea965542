import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { InputError, quoteValue, UserFacingError } from '@azpn/core';
import {
  BicepCompileError,
  BicepUnavailableError,
  bicepFileReferences,
  compileBicep,
  compileParams,
  findBicep,
  type BicepCli,
} from '@azpn/bicep';
import type { DeployConfig } from './config.js';

/**
 * What a template is read from: the files, the overrides, the Bicep CLI and the workspace they must stay in; the
 * outputs to mask are checked against the template when given. Deploy and drift-check both prepare templates so.
 */
export type TemplateSource = Pick<
  DeployConfig,
  'templateFile' | 'parametersFile' | 'overrides' | 'bicepPath' | 'workspace'
> & { maskedOutputs?: readonly string[] };

/** A template ready for ARM: its JSON, the parameter values as ARM takes them, and which are secure. */
export interface PreparedTemplate {
  template: Record<string, unknown>;
  parameters: Record<string, { value: unknown }>;
  /** Parameters the template declares as secureString/secureObject (their values are masked). */
  secureParameters: string[];
  /** Outputs the template declares as secure (ARM returns no value for them). */
  secureOutputs: string[];
}

type Json = Record<string, unknown>;
type Values = Map<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

async function readJson(file: string, input: string): Promise<Json> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    throw new InputError(
      input,
      `Input ${input} names ${file}, which is not valid JSON (${(error as Error).message}): fix the file.`,
    );
  }
  if (!isObject(value))
    throw new InputError(input, `Input ${input} names ${file}, which holds no JSON object: fix the file.`);
  return value;
}

function parameterValues(file: Json, input: string): Values {
  const values = isObject(file.parameters) ? file.parameters : {};
  const result: Values = new Map();
  for (const [name, entry] of Object.entries(values)) {
    if (!isObject(entry) || !('value' in entry)) {
      throw new InputError(
        input,
        `Input ${input}: the parameter ${quoteValue(name)} has no 'value' (Key Vault references are not supported): give its value.`,
      );
    }
    result.set(name, entry.value);
  }
  return result;
}

async function bicepCli(config: Pick<TemplateSource, 'bicepPath'>): Promise<BicepCli> {
  try {
    return await findBicep(config.bicepPath ? { path: config.bicepPath } : {});
  } catch (error) {
    if (!(error instanceof BicepUnavailableError)) throw error;
    if (!error.named) throw new UserFacingError(error.message);
    throw new InputError(
      'bicep-path',
      `Input bicep-path is ${quoteValue(config.bicepPath ?? '')}, which does not run \`bicep --version\`: give the path to a Bicep CLI executable, or leave it unset to use bicep on the PATH.`,
    );
  }
}

/**
 * Refuses a Bicep template whose `using`, modules, imports or `load*()` calls read a file outside the workspace
 * (after following links): the compiler would put that file into what is sent to Azure.
 */
async function checkReferencesStayInside(
  config: Pick<TemplateSource, 'templateFile' | 'workspace'>,
): Promise<void> {
  const root = realpathSync(config.workspace);
  for (const reference of await bicepFileReferences(config.templateFile)) {
    let real = reference.resolved;
    try {
      real = realpathSync(reference.resolved);
    } catch {
      // A missing file is the compiler's to report; its lexical path must still stay inside.
    }
    for (const path of [reference.resolved, real]) {
      const rel = relative(root, path);
      if (rel === '..' || rel.startsWith('../') || rel.startsWith('/'))
        throw new InputError(
          'template',
          `Input template reads ${quoteValue(reference.path)} (from ${relative(root, reference.from) || reference.from}), which leads outside the workspace: keep every module and loaded file inside the repository.`,
        );
    }
  }
}

/** A template compiled or read, with the values its .bicepparam gives: what every use of the file shares. */
export interface CompiledTemplate {
  template: Json;
  parameters: ReadonlyMap<string, unknown>;
}

/**
 * Compiles a .bicep or .bicepparam template (or reads a .json one), its references checked to stay inside the
 * workspace. Parameter files and overrides are not applied: several environments of one template share this.
 */
export async function compileTemplate(
  config: Pick<TemplateSource, 'templateFile' | 'bicepPath' | 'workspace'>,
): Promise<CompiledTemplate> {
  return compile(config);
}

async function compile(
  config: Pick<TemplateSource, 'templateFile' | 'bicepPath' | 'workspace'>,
): Promise<{ template: Json; parameters: Values }> {
  const file = config.templateFile;
  if (/\.json$/i.test(file)) return { template: await readJson(file, 'template'), parameters: new Map() };
  await checkReferencesStayInside(config);
  const cli = await bicepCli(config);
  try {
    if (/\.bicepparam$/i.test(file)) {
      const built = await compileParams(file, { cli });
      if (!built.template) {
        throw new InputError(
          'template',
          `Input template names ${file}, whose 'using' refers to a template spec or registry: point it at a local .bicep file.`,
        );
      }
      return { template: built.template, parameters: parameterValues(built.parameters, 'template') };
    }
    return { template: await compileBicep(file, { cli }), parameters: new Map() };
  } catch (error) {
    if (error instanceof BicepCompileError) throw new InputError('template', error.message);
    throw error;
  }
}

function checkDeclared(config: TemplateSource, declared: Json, parameters: Values): void {
  const declaredNames = new Map(Object.keys(declared).map((n) => [n.toLowerCase(), n]));
  for (const name of parameters.keys()) {
    if (declaredNames.has(name.toLowerCase())) continue;
    const source = config.overrides.has(name)
      ? 'parameter-overrides'
      : config.parametersFile
        ? 'parameters'
        : 'template';
    const known = [...declaredNames.values()].join(', ') || 'none';
    throw new InputError(
      source,
      `Input ${source} sets the parameter ${quoteValue(name)}, which the template does not declare (it declares: ${known}).`,
    );
  }
}

function checkMaskedOutputs(config: TemplateSource, outputs: Json): void {
  const declared = new Set(Object.keys(outputs).map((n) => n.toLowerCase()));
  const unknown = (config.maskedOutputs ?? []).find((name) => !declared.has(name.toLowerCase()));
  if (unknown !== undefined)
    throw new InputError(
      'masked-outputs',
      `Input masked-outputs names ${quoteValue(unknown)}, which the template does not output (it outputs: ${Object.keys(outputs).join(', ') || 'nothing'}).`,
    );
}

/**
 * Compiles or reads the template (or takes it `compiled` already), merges the parameters file and the inline
 * overrides (overrides win), and
 * checks every parameter name against the template and every masked output against its outputs, so a typo
 * fails here and not in ARM.
 */
export async function prepareTemplate(
  config: TemplateSource,
  compiled?: Promise<CompiledTemplate>,
): Promise<PreparedTemplate> {
  const shared = await (compiled ?? compile(config));
  const { template } = shared;
  const parameters: Values = new Map(shared.parameters);
  if (config.parametersFile)
    for (const [name, value] of parameterValues(
      await readJson(config.parametersFile, 'parameters'),
      'parameters',
    ))
      parameters.set(name, value);
  for (const [name, value] of config.overrides) parameters.set(name, value);
  const declared = isObject(template.parameters) ? template.parameters : {};
  checkDeclared(config, declared, parameters);
  const outputs = isObject(template.outputs) ? template.outputs : {};
  checkMaskedOutputs(config, outputs);
  const isSecure = (d: unknown) => isObject(d) && /^secure/i.test(String(d.type ?? ''));
  return {
    template,
    parameters: Object.fromEntries([...parameters].map(([name, value]) => [name, { value }])),
    secureParameters: Object.entries(declared)
      .filter(([, d]) => isSecure(d))
      .map(([n]) => n),
    secureOutputs: Object.entries(outputs)
      .filter(([, d]) => isSecure(d))
      .map(([n]) => n),
  };
}
