import { readFile } from 'node:fs/promises';
import { InputError } from '@azpn/core';
import { BicepCompileError, compileBicep, compileParams, findBicep } from '@azpn/bicep';
import type { DeployConfig } from './config.js';

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

async function readJson(file: string, input: string): Promise<Json> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Json;
  } catch (error) {
    throw new InputError(
      input,
      `Input ${input} names ${file}, which is not a JSON object (${(error as Error).message}): fix the file.`,
    );
  }
}

function parameterValues(file: Json, input: string): Record<string, { value: unknown }> {
  const values = (file.parameters ?? {}) as Record<string, unknown>;
  const result: Record<string, { value: unknown }> = {};
  for (const [name, entry] of Object.entries(values)) {
    if (typeof entry !== 'object' || entry === null || !('value' in entry)) {
      throw new InputError(
        input,
        `Input ${input}: the parameter '${name}' has no 'value' (Key Vault references are not supported): give its value.`,
      );
    }
    result[name] = { value: (entry as { value: unknown }).value };
  }
  return result;
}

async function compile(
  config: DeployConfig,
): Promise<{ template: Json; parameters: Record<string, { value: unknown }> }> {
  const file = config.templateFile;
  if (/\.json$/i.test(file)) return { template: await readJson(file, 'template'), parameters: {} };
  const cli = await findBicep(config.bicepPath ? { path: config.bicepPath } : {});
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
    return { template: await compileBicep(file, { cli }), parameters: {} };
  } catch (error) {
    if (error instanceof BicepCompileError) throw new InputError('template', error.message);
    throw error;
  }
}

/**
 * Compiles or reads the template, merges the parameters file and the inline overrides (overrides win), and
 * checks every parameter name against the template, so a typo fails here and not in ARM.
 */
export async function prepareTemplate(config: DeployConfig): Promise<PreparedTemplate> {
  const { template, parameters } = await compile(config);
  if (config.parametersFile)
    Object.assign(
      parameters,
      parameterValues(await readJson(config.parametersFile, 'parameters'), 'parameters'),
    );
  for (const [name, value] of Object.entries(config.overrides)) parameters[name] = { value };
  const declared = (template.parameters ?? {}) as Record<string, { type?: string }>;
  const declaredNames = new Map(Object.keys(declared).map((n) => [n.toLowerCase(), n]));
  for (const name of Object.keys(parameters)) {
    if (declaredNames.has(name.toLowerCase())) continue;
    const source =
      name in config.overrides ? 'parameter-overrides' : config.parametersFile ? 'parameters' : 'template';
    const known = [...declaredNames.values()].join(', ') || 'none';
    throw new InputError(
      source,
      `Input ${source} sets the parameter '${name}', which the template does not declare (it declares: ${known}).`,
    );
  }
  const isSecure = (type: string | undefined) => /^secure/i.test(type ?? '');
  const outputs = (template.outputs ?? {}) as Record<string, { type?: string }>;
  return {
    template,
    parameters,
    secureParameters: Object.entries(declared)
      .filter(([, d]) => isSecure(d.type))
      .map(([n]) => n),
    secureOutputs: Object.entries(outputs)
      .filter(([, d]) => isSecure(d.type))
      .map(([n]) => n),
  };
}
