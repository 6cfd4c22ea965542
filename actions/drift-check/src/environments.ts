import { InputError, quoteValue, resolveWorkspaceFile } from '@azpn/core';
import { checkResourceName } from '@azpn/azure';
import {
  OverrideSyntaxError,
  parseParameterOverrides,
  type ParameterOverrides,
} from '@azpn/action-deploy/parameter-overrides';

/** One environment to check: where it is deployed and what from. */
export interface Environment {
  name: string;
  resourceGroup: string;
  /** The template as the user wrote it (for the issue), and its real path. */
  template: string;
  templateFile: string;
  parametersFile?: string;
  overrides: ParameterOverrides;
  deploymentName: string;
}

/** An entry of the `environments` input, as the schema lets it through. */
export interface EnvironmentEntry {
  name: string;
  'resource-group': string;
  template?: string;
  parameters?: string;
  'parameter-overrides'?: string | Record<string, unknown>;
  'deployment-name'?: string;
}

/** Environment names: they appear in issue titles, markers, what-if deployment names and output JSON. */
export const environmentNamePattern = '^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9_-])?$';
const environmentNameRule =
  'an environment name is 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit and not ending in a dot';

/** The JSON schema of the `environments` input. */
export const environmentsSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 500,
  description: 'a YAML list of environments, each with name, resource-group and template',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'resource-group'],
    properties: {
      name: { type: 'string', pattern: environmentNamePattern, description: environmentNameRule },
      'resource-group': {
        type: 'string',
        minLength: 1,
        description: 'the resource group the environment is in',
      },
      template: { type: 'string', minLength: 1, description: 'a .bicep, .bicepparam or .json file' },
      parameters: { type: 'string', minLength: 1, description: 'a .json ARM parameters file' },
      'parameter-overrides': {
        type: ['string', 'object'],
        description: 'a YAML mapping of parameter names to values, or name=value lines',
      },
      'deployment-name': { type: 'string', minLength: 1, description: 'the what-if deployment name' },
    },
  },
} as const;

const templateRule = { pattern: /\.(bicep|bicepparam|json)$/i, kind: 'a .bicep, .bicepparam or .json file' };
const parametersRule = { pattern: /\.json$/i, kind: 'a .json ARM parameters file' };

/** What an entry falls back to: the single-environment inputs of the same names. */
export interface EnvironmentDefaults {
  template?: string;
  parameters?: string;
  overrides?: string;
}

function overridesOf(input: string, value: string | Record<string, unknown> | undefined): ParameterOverrides {
  if (typeof value === 'object') return new Map(Object.entries(value));
  try {
    return parseParameterOverrides(value);
  } catch (error) {
    if (!(error instanceof OverrideSyntaxError)) throw error;
    throw new InputError(input, `Input ${input} could not be read: ${error.message}.`);
  }
}

/**
 * One environment from an entry (or the single-environment inputs), its files resolved inside the workspace and
 * its names checked by ARM's rules; `input` names where a fault is (`environments` with the entry, or the input).
 */
export function readEnvironment(
  entry: EnvironmentEntry,
  defaults: EnvironmentDefaults,
  workspace: string,
  inputs: { list: boolean },
): Environment {
  const where = (field: string) => (inputs.list ? `environments (${entry.name}: ${field})` : field);
  const template = entry.template ?? defaults.template;
  if (template === undefined)
    throw new InputError(
      inputs.list ? 'environments' : 'template',
      inputs.list
        ? `Input environments gives ${quoteValue(entry.name)} no template, and input template is not set: give the environment a template.`
        : 'Input required and not supplied: template (the template the environment is deployed from).',
    );
  const templateFile = resolveWorkspaceFile(workspace, where('template'), template, templateRule);
  const parameters = entry.parameters ?? defaults.parameters;
  const parametersFile =
    parameters === undefined
      ? undefined
      : resolveWorkspaceFile(workspace, where('parameters'), parameters, parametersRule);
  if (parametersFile && /\.bicepparam$/i.test(templateFile))
    throw new InputError(
      where('parameters'),
      `Input ${where('parameters')} cannot be used with a .bicepparam template, which carries its own values: use parameter-overrides instead.`,
    );
  const resourceGroup = checkResourceName(where('resource-group'), 'resource group', entry['resource-group']);
  const deploymentName = checkResourceName(
    where('deployment-name'),
    'deployment',
    entry['deployment-name'] ?? `drift-check-${entry.name}`.slice(0, 64),
  );
  return {
    name: entry.name,
    resourceGroup,
    template,
    templateFile,
    ...(parametersFile ? { parametersFile } : {}),
    overrides: overridesOf(where('parameter-overrides'), entry['parameter-overrides'] ?? defaults.overrides),
    deploymentName,
  };
}
