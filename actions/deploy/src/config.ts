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
  readAzureConnection,
  resourceNameInput,
  type AzureConnection,
} from '@azpn/azure';
import { defaultDeploymentName } from './deployment-name.js';
import {
  OverrideSyntaxError,
  parseParameterOverrides,
  type ParameterOverrides,
} from './parameter-overrides.js';

/** What the action does: stop after validation, after what-if, or deploy. */
export const modes = ['validate', 'what-if', 'deploy'] as const;
export type DeployMode = (typeof modes)[number];

/**
 * ARM's tag rules: at most 50 tags, names of 1 to 512 characters without `<>%&\?/`, values of at most 256
 * (learn.microsoft.com "Use tags to organize your Azure resources", limitations).
 */
const tagSchema = {
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

/**
 * The inputs that name the template, its parameters and how its outputs are published: deploy's, and those of any
 * capability that deploys through it (`preview`).
 */
export const templateInputs = {
  template: input.string('template', { required: 'the .bicep, .bicepparam or .json template to deploy' }),
  parameters: input.optionalString('parameters'),
  overrides: input.optionalString('parameter-overrides'),
  maskedOutputs: input.lines('masked-outputs'),
  bicep: input.optionalString('bicep-path'),
};

/** A region for a resource group this action creates, such as westeurope. */
export const locationInput = input.optionalString('location', {
  pattern: /^[a-zA-Z][a-zA-Z0-9 ]{1,40}$/,
  rule: 'use an Azure region name such as westeurope',
});

const deployInputs = {
  ...templateInputs,
  resourceGroup: resourceNameInput(
    'resource-group',
    'resource group',
    'the resource group to deploy to (created if missing)',
  ),
  location: locationInput,
  tags: structuredInput.yaml<Record<string, string | number | boolean | null>>(
    'resource-group-tags',
    tagSchema,
    {},
  ),
  deploymentName: input.optionalString('deployment-name'),
  mode: input.choice('mode', modes, { default: 'deploy' }),
  failOnChanges: input.boolean('fail-on-changes', { default: false }),
};

/** Everything the action needs, read and checked before any Azure call. */
export interface DeployConfig {
  templateFile: string;
  parametersFile?: string;
  overrides: ParameterOverrides;
  resourceGroup: string;
  location?: string;
  tags: Record<string, string>;
  deploymentName: string;
  mode: DeployMode;
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
export type TemplateSources = Pick<
  DeployConfig,
  'templateFile' | 'parametersFile' | 'overrides' | 'maskedOutputs' | 'bicepPath' | 'workspace'
>;

/** Checks parsed template inputs: the files lie inside the workspace, and the overrides can be read. */
export function readTemplateSources(
  platform: Platform,
  raw: ConfigOf<typeof templateInputs>,
): TemplateSources {
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

/** Parses and checks every input once; the first bad one throws its sentence. */
export function readDeployConfig(platform: Platform): DeployConfig {
  const raw = parseInputs(platform.inputs, deployInputs);
  const sources = readTemplateSources(platform, raw);
  const deploymentName = deploymentNameOf(platform, raw.deploymentName, sources.templateFile);
  const connection = readAzureConnection(platform);
  return {
    ...sources,
    resourceGroup: raw.resourceGroup,
    ...(raw.location ? { location: raw.location.replaceAll(' ', '').toLowerCase() } : {}),
    tags: Object.fromEntries(Object.entries(raw.tags).map(([k, v]) => [k, v === null ? '' : String(v)])),
    deploymentName,
    mode: raw.mode,
    failOnChanges: raw.failOnChanges,
    connection,
  };
}

export { azureConnectionInputs };
