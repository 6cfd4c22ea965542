import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { input, InputError, parseInputs, type Platform, type ShapeResult } from '@azpn/core';
import { azureConnectionInputs, readAzureConnection, type AzureConnection } from '@azpn/azure';
import { defaultDeploymentName, deploymentNamePattern, deploymentNameRule } from './deployment-name.js';
import {
  OverrideSyntaxError,
  parseParameterOverrides,
  type ParameterOverrides,
} from './parameter-overrides.js';

/** What the action does: stop after validation, after what-if, or deploy. */
export const modes = ['validate', 'what-if', 'deploy'] as const;
export type DeployMode = (typeof modes)[number];

/** Resource group names: 1 to 90 of letters, digits, `_-.()`, not ending in a dot (ARM's rule). */
const resourceGroupPattern = /^[-\w.()]{0,89}[-\w()]$/;

function tagShape(value: unknown): ShapeResult<Record<string, string>> {
  const expected = 'a YAML mapping of tag names to text values, such as "environment: preview"';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, expected };
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.some(([, v]) => typeof v === 'object' && v !== null)) return { ok: false, expected };
  return { ok: true, value: Object.fromEntries(entries.map(([k, v]) => [k, v === null ? '' : String(v)])) };
}

const deployInputs = {
  template: input.string('template', { required: 'the .bicep, .bicepparam or .json template to deploy' }),
  parameters: input.optionalString('parameters'),
  overrides: input.optionalString('parameter-overrides'),
  resourceGroup: input.string('resource-group', {
    required: 'the resource group to deploy to (created if missing)',
    pattern: resourceGroupPattern,
    rule: 'use 1 to 90 letters, digits, dashes, underscores, dots or parentheses, not ending in a dot',
  }),
  location: input.optionalString('location', {
    pattern: /^[a-zA-Z][a-zA-Z0-9 ]{1,40}$/,
    rule: 'use an Azure region name such as westeurope',
  }),
  tags: input.yaml('resource-group-tags', tagShape, {}),
  deploymentName: input.optionalString('deployment-name', {
    pattern: deploymentNamePattern,
    rule: deploymentNameRule,
  }),
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
  connection: AzureConnection;
}

function existingFile(
  platform: Platform,
  name: string,
  path: string,
  kinds: RegExp,
  kindText: string,
): string {
  const full = isAbsolute(path) ? path : resolve(platform.context.workspace ?? '.', path);
  if (!kinds.test(full)) throw new InputError(name, `Input ${name} is "${path}", which is not ${kindText}.`);
  if (!existsSync(full) || !statSync(full).isFile()) {
    throw new InputError(
      name,
      `Input ${name} names "${path}", which does not exist: check the path from the repository root.`,
    );
  }
  return full;
}

/** Parses and checks every input once; the first bad one throws its sentence. */
export function readDeployConfig(platform: Platform): DeployConfig {
  const raw = parseInputs(platform.inputs, deployInputs);
  const templateFile = existingFile(
    platform,
    'template',
    raw.template,
    /\.(bicep|bicepparam|json)$/i,
    'a .bicep, .bicepparam or .json file',
  );
  const parametersFile =
    raw.parameters === undefined
      ? undefined
      : existingFile(platform, 'parameters', raw.parameters, /\.json$/i, 'a .json ARM parameters file');
  if (parametersFile && /\.bicepparam$/i.test(templateFile)) {
    throw new InputError(
      'parameters',
      'Input parameters cannot be used with a .bicepparam template, which carries its own values: use parameter-overrides instead.',
    );
  }
  let overrides: ParameterOverrides;
  try {
    overrides = parseParameterOverrides(raw.overrides);
  } catch (error) {
    if (!(error instanceof OverrideSyntaxError)) throw error;
    throw new InputError(
      'parameter-overrides',
      `Input parameter-overrides could not be read: ${error.message}.`,
    );
  }
  const connection = readAzureConnection(platform);
  const deploymentName =
    raw.deploymentName ??
    defaultDeploymentName({
      templateFile,
      ...(platform.context.runId ? { runId: platform.context.runId } : {}),
      ...(platform.context.runAttempt ? { runAttempt: platform.context.runAttempt } : {}),
      ...(platform.context.pullRequest !== undefined ? { pullRequest: platform.context.pullRequest } : {}),
    });
  return {
    templateFile,
    ...(parametersFile ? { parametersFile } : {}),
    overrides,
    resourceGroup: raw.resourceGroup,
    ...(raw.location ? { location: raw.location.replaceAll(' ', '').toLowerCase() } : {}),
    tags: raw.tags,
    deploymentName,
    mode: raw.mode,
    failOnChanges: raw.failOnChanges,
    maskedOutputs: raw.maskedOutputs,
    ...(raw.bicep ? { bicepPath: raw.bicep } : {}),
    connection,
  };
}

export { azureConnectionInputs };
