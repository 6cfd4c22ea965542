import { input, InputError, parseInputs, resolveWorkspaceFile, type Platform } from '@azpn/core';
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

const deployInputs = {
  template: input.string('template', { required: 'the .bicep, .bicepparam or .json template to deploy' }),
  parameters: input.optionalString('parameters'),
  overrides: input.optionalString('parameter-overrides'),
  resourceGroup: resourceNameInput(
    'resource-group',
    'resource group',
    'the resource group to deploy to (created if missing)',
  ),
  location: input.optionalString('location', {
    pattern: /^[a-zA-Z][a-zA-Z0-9 ]{1,40}$/,
    rule: 'use an Azure region name such as westeurope',
  }),
  tags: structuredInput.yaml<Record<string, string | number | boolean | null>>(
    'resource-group-tags',
    tagSchema,
    {},
  ),
  deploymentName: input.optionalString('deployment-name'),
  mode: input.choice('mode', modes, { default: 'deploy' }),
  failOnChanges: input.boolean('fail-on-changes', { default: false }),
  maskedOutputs: input.lines('masked-outputs'),
  bicep: input.optionalString('bicep-path'),
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

function deploymentNameOf(platform: Platform, given: string | undefined, templateFile: string): string {
  if (given !== undefined) return checkResourceName('deployment-name', 'deployment', given);
  const { runId, runAttempt, pullRequest } = platform.context;
  return defaultDeploymentName({
    templateFile,
    ...(runId ? { runId } : {}),
    ...(runAttempt ? { runAttempt } : {}),
    ...(pullRequest !== undefined ? { pullRequest } : {}),
  });
}

/** Parses and checks every input once; the first bad one throws its sentence. */
export function readDeployConfig(platform: Platform): DeployConfig {
  const raw = parseInputs(platform.inputs, deployInputs);
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
  const overrides = readOverrides(raw.overrides);
  const deploymentName = deploymentNameOf(platform, raw.deploymentName, templateFile);
  const connection = readAzureConnection(platform);
  return {
    templateFile,
    ...(parametersFile ? { parametersFile } : {}),
    overrides,
    resourceGroup: raw.resourceGroup,
    ...(raw.location ? { location: raw.location.replaceAll(' ', '').toLowerCase() } : {}),
    tags: Object.fromEntries(Object.entries(raw.tags).map(([k, v]) => [k, v === null ? '' : String(v)])),
    deploymentName,
    mode: raw.mode,
    failOnChanges: raw.failOnChanges,
    maskedOutputs: raw.maskedOutputs,
    ...(raw.bicep ? { bicepPath: raw.bicep } : {}),
    workspace,
    connection,
  };
}

export { azureConnectionInputs };
