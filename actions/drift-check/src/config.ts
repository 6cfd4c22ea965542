import { input, InputError, parseInputs, parseYamlInput, type InputSpec, type Platform } from '@azpn/core';
import { structuredInput } from '@azpn/core/structured-inputs';
import { readAzureConnection, type AzureConnection } from '@azpn/azure';
import { NoiseRuleSyntaxError, readUserNoiseRules, type NoiseRule } from '@azpn/whatif';
import { locationInput, scopeInput, servedScope } from '@azpn/action-deploy/config';
import {
  environmentNamePattern,
  environmentsSchema,
  readEnvironment,
  type Environment,
  type EnvironmentEntry,
} from './environments.js';

/** User noise rules from their YAML mapping, the input named in any complaint. */
function noiseRulesInput(name: string): InputSpec<NoiseRule[]> {
  return {
    name,
    parse(raw) {
      if (raw === undefined) return [];
      try {
        return readUserNoiseRules(parseYamlInput(name, raw));
      } catch (error) {
        if (!(error instanceof NoiseRuleSyntaxError)) throw error;
        throw new InputError(name, `Input ${name} ${error.message}.`);
      }
    },
  };
}

/** A label or tag: GitHub allows 50 characters, Azure Boards no `;` or `,` in a tag. */
const labelPattern = /^[^;,\s][^;,]{0,49}$/;

const driftInputs = {
  environments: structuredInput.yaml<EnvironmentEntry[] | undefined>(
    'environments',
    environmentsSchema,
    undefined,
  ),
  environment: input.optionalString('environment', {
    pattern: new RegExp(environmentNamePattern),
    rule: 'use 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit and not ending in a dot',
  }),
  template: input.optionalString('template'),
  parameters: input.optionalString('parameters'),
  overrides: input.optionalString('parameter-overrides'),
  resourceGroup: input.optionalString('resource-group'),
  scope: scopeInput,
  location: locationInput,
  noiseRules: noiseRulesInput('noise-rules'),
  label: input.optionalString('label', {
    pattern: labelPattern,
    rule: 'use at most 50 characters, without a comma or a semicolon',
  }),
  failOnDrift: input.boolean('fail-on-drift', { default: false }),
  bicep: input.optionalString('bicep-path'),
  workItemType: input.optionalString('work-item-type', {
    pattern: /^[\w][\w ]{0,127}$/,
    rule: 'use a work item type name such as Issue or Bug',
  }),
  closedState: input.optionalString('work-item-closed-state', {
    pattern: /^[\w][\w ]{0,127}$/,
    rule: 'use a state name such as Done or Closed',
  }),
};

/** Everything a drift check needs, read and checked before any call. */
export interface DriftConfig {
  environments: Environment[];
  noiseRules: NoiseRule[];
  label: string;
  failOnDrift: boolean;
  bicepPath?: string;
  workItemType: string;
  closedState: string;
  workspace: string;
  connection: AzureConnection;
}

function singleEntry(raw: { environment?: string; resourceGroup?: string }): EnvironmentEntry {
  if (raw.environment === undefined)
    throw new InputError(
      'environment',
      'Input required and not supplied: environment (the name of the environment to check), or list them in environments.',
    );
  return {
    name: raw.environment,
    ...(raw.resourceGroup !== undefined ? { 'resource-group': raw.resourceGroup } : {}),
  };
}

/** Parses and checks every input once; the first bad one throws its sentence. */
export function readDriftConfig(platform: Platform): DriftConfig {
  const raw = parseInputs(platform.inputs, driftInputs);
  const scope = servedScope(
    raw.scope,
    (level, cli) =>
      `Input scope is ${level}: drift-check compares environments at resourceGroup or subscription scope only; run what-if of ${level} templates with the Azure CLI (az deployment ${cli} what-if).`,
  );
  const workspace = platform.context.workspace;
  const list = raw.environments !== undefined;
  if (list && raw.environment !== undefined)
    throw new InputError(
      'environment',
      'Inputs environment and environments are both set: list every environment in environments, or check one with environment.',
    );
  const entries = raw.environments ?? [singleEntry(raw)];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name.toLowerCase()))
      throw new InputError(
        'environments',
        `Input environments names ${entry.name} twice: give each environment one entry.`,
      );
    seen.add(entry.name.toLowerCase());
  }
  if (list && raw.resourceGroup !== undefined)
    throw new InputError(
      'resource-group',
      'Inputs resource-group and environments are both set: give each listed environment its resource-group.',
    );
  const defaults = {
    scope,
    ...(raw.location !== undefined ? { location: raw.location } : {}),
    ...(raw.template !== undefined ? { template: raw.template } : {}),
    ...(raw.parameters !== undefined ? { parameters: raw.parameters } : {}),
    ...(raw.overrides !== undefined ? { overrides: raw.overrides } : {}),
  };
  const environments = entries.map((entry) => readEnvironment(entry, defaults, workspace, { list }));
  return {
    environments,
    noiseRules: raw.noiseRules,
    label: raw.label ?? 'drift',
    failOnDrift: raw.failOnDrift,
    ...(raw.bicep ? { bicepPath: raw.bicep } : {}),
    workItemType: raw.workItemType ?? 'Issue',
    closedState: raw.closedState ?? 'Done',
    workspace,
    connection: readAzureConnection(platform),
  };
}
