/**
 * What deploy and drift-check share, so that a drift check sees a template exactly as a deployment of it would:
 * the template prepared (compiled, parameters merged and checked, secure values masked, their flow through the
 * template known) and what-if run on it, its changes redacted before anything renders them.
 */
import type { Platform } from '@azpn/core';
import { pollWithProgress, type OpenAzure } from '@azpn/azure';
import { redactChanges, secureFlow, type ResourceChange, type SecureFlow } from '@azpn/whatif';
import type { DeployConfig } from './config.js';
import { deploymentBody, whatIfDeployment } from './deployment-calls.js';
import { explainRefusedTemplate } from './deployment-failure.js';
import { maskSecureValues } from './run-stages.js';
import {
  compileTemplate,
  prepareTemplate,
  type CompiledTemplate,
  type PreparedTemplate,
  type TemplateSource,
} from './template-source.js';

export {
  compileTemplate,
  prepareTemplate,
  type CompiledTemplate,
  type PreparedTemplate,
  type TemplateSource,
};
export { findResourceGroup } from './resource-group.js';

/** A prepared template and where its secure values flow. */
export interface ReadyTemplate {
  prepared: PreparedTemplate;
  flow: SecureFlow;
}

/**
 * How thoroughly ARM validates a what-if: `ProviderNoRbac` skips the check that the caller may write every
 * resource, so a reader identity (Reader plus `Microsoft.Resources/deployments/whatIf/action`) can run it.
 */
export type ValidationLevel = 'Template' | 'Provider' | 'ProviderNoRbac';

/** Where a what-if runs (scope, and location at subscription scope), under which name, signed in to what. */
export type WhatIfTarget = Pick<DeployConfig, 'scope' | 'deploymentName' | 'connection'> &
  Partial<Pick<DeployConfig, 'location' | 'stack'>>;

/**
 * Prepares a template (from `compiled` when several environments share one template file) and masks its secure
 * values before anything can print them.
 */
export async function readyTemplate(
  source: TemplateSource,
  platform: Platform,
  compiled?: Promise<CompiledTemplate>,
): Promise<ReadyTemplate> {
  const prepared = await prepareTemplate(source, compiled);
  maskSecureValues(platform, prepared);
  return { prepared, flow: secureFlow(prepared.template) };
}

/** What-if's changes with every value that is not provably public redacted. */
export function redactedChanges(
  platform: Platform,
  flow: SecureFlow,
  changes: readonly ResourceChange[],
): ResourceChange[] {
  return redactChanges(changes, { flow, holdsSecret: (text) => platform.secrets.redact(text) !== text });
}

/**
 * Runs what-if of a ready template at its scope, with progress lines, and answers its changes redacted; a
 * template ARM refuses is explained with ARM's error tree. Deploy validates at ARM's default level; a drift check
 * asks for `ProviderNoRbac`, as it runs with a reader identity.
 */
export async function runWhatIf(
  azure: OpenAzure,
  target: WhatIfTarget,
  ready: ReadyTemplate,
  platform: Platform,
  options: { validationLevel?: ValidationLevel } = {},
): Promise<ResourceChange[]> {
  const body = deploymentBody(target, ready.prepared);
  const level = options.validationLevel;
  const request = level ? { ...body, properties: { ...body.properties, validationLevel: level } } : body;
  try {
    const result = await pollWithProgress(whatIfDeployment(azure, target, request), 'what-if', platform);
    return redactedChanges(platform, ready.flow, (result.changes ?? []) as ResourceChange[]);
  } catch (error) {
    throw await explainRefusedTemplate(error, 'What-if', azure, target, platform);
  }
}
