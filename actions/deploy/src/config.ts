import {
  input,
  InputError,
  parseInputs,
  resolveWorkspaceFile,
  type ConfigOf,
  type Platform,
} from '@azpn/core';
import { structuredInput } from '@azpn/core/structured-inputs';
import {
  azureConnectionInputs,
  checkResourceName,
  optionalResourceNameInput,
  readAzureConnection,
  type AzureConnection,
} from '@azpn/azure';
import { readStackSettings, refuseStackInputs, stackInputs, type StackSettings } from './stack-settings.js';
import { defaultDeploymentName } from './deployment-name.js';
import {
  OverrideSyntaxError,
  parseParameterOverrides,
  type ParameterOverrides,
} from './parameter-overrides.js';
import type { TemplateSource } from './template-source.js';

/** What the action does: stop after validation, after what-if, deploy, or (a stack) delete. */
export const modes = ['validate', 'what-if', 'deploy', 'delete'] as const;
export type DeployMode = Exclude<(typeof modes)[number], 'delete'>;

/** What the action deploys: a plain deployment, or a deployment stack. */
export const types = ['deployment', 'stack'] as const;

/** The scopes an action is asked for; management group and tenant are named to be refused with a sentence. */
const scopes = ['resourceGroup', 'subscription', 'managementGroup', 'tenant'] as const;

/** The `scope` input of deploy, preview and drift-check: resourceGroup by default. */
export const scopeInput = input.choice('scope', scopes, { default: 'resourceGroup' });

/**
 * The scope narrowed to the two the actions serve; management group and tenant are refused with the action's own
 * sentence, which names the Azure CLI's word for the scope (`mg` or `tenant`).
 */
export function servedScope(
  scope: (typeof scopes)[number],
  refusal: (scope: 'managementGroup' | 'tenant', cli: 'mg' | 'tenant') => string,
): DeployScope['level'] {
  if (scope === 'managementGroup' || scope === 'tenant')
    throw new InputError('scope', refusal(scope, scope === 'tenant' ? 'tenant' : 'mg'));
  return scope;
}

/** Where the deployment (or stack) goes: a resource group, or the subscription itself. */
export type DeployScope = { level: 'resourceGroup'; resourceGroup: string } | { level: 'subscription' };

/**
 * ARM's tag rules: at most 50 tags, names of 1 to 512 characters without `<>%&\?/`, values of at most 256
 * (learn.microsoft.com "Use tags to organize your Azure resources", limitations).
 */
export const tagSchema = {
  type: 'object',
  description: 'a YAML mapping of at most 50 tag names to text values, such as "environment: preview"',
  maxProperties: 50,
  propertyNames: {
    type: 'string',
    minLength: 1,
    maxLength: 512,
    pattern: '^[^<>%&\\\\?/]+$',
    description: 'a tag name has 1 to 512 characters, none of < > % & \\ ? /',
  },
  additionalProperties: {
    type: ['string', 'number', 'boolean', 'null'],
    maxLength: 256,
    description: 'a tag value is text of at most 256 characters',
  },
} as const;

const templateInput = input.string('template', {
  required: 'the .bicep, .bicepparam or .json template to deploy',
});

/**
 * The inputs that name the template, its parameters and how its outputs are published: deploy's, and those of any
 * capability that deploys through it (`preview`). The template is optional here because a mode of each (deploy's
 * `delete`, preview's `destroy` and `sweep`) needs none: each caller requires it where it deploys.
 */
export const templateInputs = {
  template: input.optionalString('template'),
  parameters: input.optionalString('parameters'),
  overrides: input.optionalString('parameter-overrides'),
  maskedOutputs: input.lines('masked-outputs'),
  bicep: input.optionalString('bicep-path'),
};

/** A region for a resource group the action creates (or a subscription-scope deployment's), such as westeurope. */
export const locationInput = input.optionalString('location', {
  pattern: /^[a-zA-Z][a-zA-Z0-9 ]{1,40}$/,
  rule: 'use an Azure region name such as westeurope',
});

/** A region as ARM names it, from what a user typed in the location input (West Europe → westeurope). */
export function regionName(location: string): string {
  return location.replaceAll(' ', '').toLowerCase();
}

const deployInputs = {
  ...templateInputs,
  scope: scopeInput,
  type: input.choice('type', types, { default: 'deployment' }),
  resourceGroup: optionalResourceNameInput('resource-group', 'resource group'),
  location: locationInput,
  tags: structuredInput.yaml<Record<string, string | number | boolean | null>>(
    'resource-group-tags',
    tagSchema,
    {},
  ),
  deploymentName: input.optionalString('deployment-name'),
  mode: input.choice('mode', modes, { default: 'deploy' }),
  failOnChanges: input.boolean('fail-on-changes', { default: false }),
  ...stackInputs,
};

/** Everything the action needs to deploy (or validate, or preview) a template, read and checked before any call. */
export interface DeployConfig {
  mode: DeployMode;
  scope: DeployScope;
  /** The stack the template goes into; absent for a plain deployment. */
  stack?: StackSettings;
  templateFile: string;
  parametersFile?: string;
  overrides: ParameterOverrides;
  /** The resource group at resource-group scope; empty at subscription scope (see `scope`). */
  resourceGroup: string;
  /** The group's location when the action creates it; the deployment's location at subscription scope. */
  location?: string;
  tags: Record<string, string>;
  deploymentName: string;
  failOnChanges: boolean;
  maskedOutputs: string[];
  bicepPath?: string;
  /** The repository checkout: every file the template reads must lie inside it. */
  workspace: string;
  connection: AzureConnection;
}

const templateRule = { pattern: /\.(bicep|bicepparam|json)$/i, kind: 'a .bicep, .bicepparam or .json file' };
const parametersRule = { pattern: /\.json$/i, kind: 'a .json ARM parameters file' };

function readOverrides(text: string | undefined): ParameterOverrides {
  try {
    return parseParameterOverrides(text);
  } catch (error) {
    if (!(error instanceof OverrideSyntaxError)) throw error;
    throw new InputError(
      'parameter-overrides',
      `Input parameter-overrides could not be read: ${error.message}.`,
    );
  }
}

/** The deployment name given, or one from the template, the run and the pull request. */
export function deploymentNameOf(
  platform: Platform,
  given: string | undefined,
  templateFile: string,
): string {
  if (given !== undefined) return checkResourceName('deployment-name', 'deployment', given);
  const { runId, runAttempt, pullRequest } = platform.context;
  return defaultDeploymentName({
    templateFile,
    ...(runId ? { runId } : {}),
    ...(runAttempt ? { runAttempt } : {}),
    ...(pullRequest !== undefined ? { pullRequest } : {}),
  });
}

/** What the template inputs name, checked: files inside the workspace, overrides readable. */
export type CheckedTemplateSource = TemplateSource & Pick<DeployConfig, 'maskedOutputs'>;

/** The template inputs as parsed, with the template a caller has required. */
type TemplateInputValues = ConfigOf<typeof templateInputs> & { template: string };

/**
 * Checks parsed template inputs: the template and parameters files lie inside the workspace (a .bicepparam
 * template takes no parameters file), and the overrides can be read.
 */
export function readTemplateSources(platform: Platform, raw: TemplateInputValues): CheckedTemplateSource {
  const workspace = platform.context.workspace;
  const templateFile = resolveWorkspaceFile(workspace, 'template', raw.template, templateRule);
  const parametersFile =
    raw.parameters === undefined
      ? undefined
      : resolveWorkspaceFile(workspace, 'parameters', raw.parameters, parametersRule);
  if (parametersFile && /\.bicepparam$/i.test(templateFile)) {
    throw new InputError(
      'parameters',
      'Input parameters cannot be used with a .bicepparam template, which carries its own values: use parameter-overrides instead.',
    );
  }
  return {
    templateFile,
    ...(parametersFile ? { parametersFile } : {}),
    overrides: readOverrides(raw.overrides),
    maskedOutputs: raw.maskedOutputs,
    ...(raw.bicep ? { bicepPath: raw.bicep } : {}),
    workspace,
  };
}

/** What `mode: delete` needs: the stack to delete, where, and what becomes of the resources it manages. */
export interface StackDeletionConfig {
  mode: 'delete';
  scope: DeployScope;
  stack: StackSettings;
  connection: AzureConnection;
}

type RawInputs = ConfigOf<typeof deployInputs>;

/** The scope, checked against the inputs it needs and refuses; management group and tenant are refused. */
function scopeOf(raw: RawInputs): DeployScope {
  const level = servedScope(
    raw.scope,
    (scope, cli) =>
      `Input scope is ${scope}: this action deploys at resourceGroup or subscription scope only; deploy ${scope} templates with the Azure CLI (az deployment ${cli} create).`,
  );
  if (level === 'subscription') {
    if (raw.resourceGroup !== undefined)
      throw new InputError(
        'resource-group',
        'Input resource-group is set, but scope is subscription: a subscription-scope template names the groups it deploys to; remove resource-group or set scope to resourceGroup.',
      );
    if (raw.location === undefined)
      throw new InputError(
        'location',
        'Input required and not supplied: location. A subscription-scope deployment needs one: set it to the region that keeps the deployment, such as westeurope.',
      );
    return { level: 'subscription' };
  }
  if (raw.resourceGroup === undefined)
    throw new InputError(
      'resource-group',
      'Input required and not supplied: resource-group. Set it to the resource group to deploy to (created if missing).',
    );
  return { level: 'resourceGroup', resourceGroup: raw.resourceGroup };
}

/** The stack's settings for type stack; a stack-only input given to a plain deployment is refused. */
function stackOf(
  platform: Platform,
  raw: RawInputs,
  templateFile: string | undefined,
): StackSettings | undefined {
  if (raw.type === 'deployment') {
    refuseStackInputs(raw);
    return undefined;
  }
  if (raw.deploymentName !== undefined)
    throw new InputError(
      'deployment-name',
      'Input deployment-name does not apply to a deployment stack, which names its own deployments: name the stack with stack-name instead.',
    );
  return readStackSettings(raw, templateFile);
}

/** `mode: delete`: a stack to delete, no template needed. */
function readStackDeletion(platform: Platform, raw: RawInputs): StackDeletionConfig {
  if (raw.type !== 'stack')
    throw new InputError(
      'mode',
      'Input mode is delete, which deletes a deployment stack (with its resources per action-on-unmanage): set type to stack, or use validate, what-if or deploy.',
    );
  const scope = scopeOf(raw);
  const templateFile =
    raw.template === undefined
      ? undefined
      : resolveWorkspaceFile(platform.context.workspace, 'template', raw.template, templateRule);
  const stack = stackOf(platform, raw, templateFile)!;
  return { mode: 'delete', scope, stack, connection: readAzureConnection(platform) };
}

/** Parses and checks every input once; the first bad one throws its sentence. */
export function readActionConfig(platform: Platform): DeployConfig | StackDeletionConfig {
  const raw = parseInputs(platform.inputs, deployInputs);
  if (raw.mode === 'delete') return readStackDeletion(platform, raw);
  return readDeployConfig(platform, raw, raw.mode);
}

function readDeployConfig(platform: Platform, raw: RawInputs, mode: DeployMode): DeployConfig {
  const template = templateInput.parse(raw.template);
  const scope = scopeOf(raw);
  const sources = readTemplateSources(platform, { ...raw, template });
  const stack = stackOf(platform, raw, sources.templateFile);
  const deploymentName = deploymentNameOf(platform, raw.deploymentName, sources.templateFile);
  const connection = readAzureConnection(platform);
  return {
    mode,
    scope,
    ...(stack === undefined ? {} : { stack }),
    ...sources,
    resourceGroup: scope.level === 'resourceGroup' ? scope.resourceGroup : '',
    ...(raw.location ? { location: regionName(raw.location) } : {}),
    tags: Object.fromEntries(Object.entries(raw.tags).map(([k, v]) => [k, v === null ? '' : String(v)])),
    deploymentName,
    failOnChanges: raw.failOnChanges,
    connection,
  };
}

export { azureConnectionInputs };
