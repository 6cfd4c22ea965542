import { InputError, quoteValue, resolveWorkspaceFile } from '@azpn/core';
import { checkResourceName } from '@azpn/azure';
import { regionName, type DeployScope } from '@azpn/action-deploy/config';
import {
  OverrideSyntaxError,
  parseParameterOverrides,
  type ParameterOverrides,
} from '@azpn/action-deploy/parameter-overrides';

/** One environment to check: where it is deployed and what from. */
export interface Environment {
  name: string;
  /** Where it is deployed: a resource group, or the subscription (a template that makes its own groups). */
  scope: DeployScope;
  /** The what-if deployment's region at subscription scope, as ARM names it. */
  location?: string;
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
  'resource-group'?: string;
  scope?: EnvironmentScope;
  location?: string;
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
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: environmentNamePattern, description: environmentNameRule },
      'resource-group': {
        type: 'string',
        minLength: 1,
        description: 'the resource group the environment is in (at resourceGroup scope)',
      },
      scope: {
        enum: ['resourceGroup', 'subscription'],
        description: 'resourceGroup (the default) or subscription, for a template that makes its own groups',
      },
      location: {
        type: 'string',
        pattern: '^[A-Za-z][A-Za-z0-9 ]{1,63}$',
        description: 'the region of the what-if deployment at subscription scope, such as westeurope',
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

/** The scopes an environment can be checked at. */
export type EnvironmentScope = DeployScope['level'];

/**
 * An entry's scope: a resource group (named by the entry or the resource-group input) by default, or the
 * subscription, where a resource group would be meaningless and is refused.
 */
function scopeOf(
  entry: EnvironmentEntry,
  defaults: EnvironmentDefaults,
  where: (field: string) => string,
): DeployScope {
  const level = entry.scope ?? defaults.scope ?? 'resourceGroup';
  const group = entry['resource-group'];
  if (level === 'subscription') {
    if (group !== undefined)
      throw new InputError(
        where('resource-group'),
        `Input ${where('resource-group')} is set, but the environment is checked at subscription scope, where its template names its own groups: remove it or use scope resourceGroup.`,
      );
    return { level };
  }
  if (group === undefined)
    throw new InputError(
      where('resource-group'),
      `Input required and not supplied: ${where('resource-group')} (the resource group the environment is deployed to), or set scope to subscription.`,
    );
  return { level, resourceGroup: checkResourceName(where('resource-group'), 'resource group', group) };
}

/** What an entry falls back to: the single-environment inputs of the same names. */
export interface EnvironmentDefaults {
  scope?: EnvironmentScope;
  location?: string;
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
  const scope = scopeOf(entry, defaults, where);
  const location = entry.location ?? defaults.location;
  if (scope.level === 'subscription' && location === undefined)
    throw new InputError(
      where('location'),
      `Input ${where('location')} is not set, and a subscription-scope environment needs the region of its what-if deployment: set it, such as westeurope.`,
    );
  const deploymentName = checkResourceName(
    where('deployment-name'),
    'deployment',
    entry['deployment-name'] ?? `drift-check-${entry.name}`.slice(0, 64),
  );
  return {
    name: entry.name,
    scope,
    ...(scope.level === 'subscription' ? { location: regionName(location!) } : {}),
    template,
    templateFile,
    ...(parametersFile ? { parametersFile } : {}),
    overrides: overridesOf(where('parameter-overrides'), entry['parameter-overrides'] ?? defaults.overrides),
    deploymentName,
  };
}
