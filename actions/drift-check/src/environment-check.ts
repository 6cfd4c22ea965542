import type { Platform } from '@azpn/core';
import type { AzureConnection, OpenAzure } from '@azpn/azure';
import { findResourceGroup, runWhatIf, type ReadyTemplate } from '@azpn/action-deploy/template-what-if';
import { scopeLabel } from '@azpn/action-deploy/deployment-calls';
import {
  builtInNoiseRules,
  classifyChanges,
  driftFingerprint,
  driftPropertyCount,
  type DriftClassification,
  type NoiseRule,
  type ResourceChange,
} from '@azpn/whatif';
import { applyDriftLifecycle, type LifecycleResult } from './drift-lifecycle.js';
import { changedComment, cleanComment, noticeFor, type DriftFacts } from './drift-report.js';
import type { DriftTracker } from './drift-tracker.js';
import type { Environment } from './environments.js';

/** One environment's outcome, as the `results` output lists it. */
export interface EnvironmentResult {
  name: string;
  /** Where it was compared, as deploy's scope is. */
  scope: Environment['scope'];
  /** The same as a sentence reads it: `rg-app`, or `subscription 1d2e…`. */
  where: string;
  drifted: boolean;
  driftCount: number;
  fingerprint?: string;
  /** What happened to its issue or work item. */
  record: LifecycleResult;
  /** Why its issue or work item could not be brought in line (the drift itself was found). */
  recordError?: unknown;
  /** The drifted changes, redacted and reduced to what is not noise. */
  changes: ResourceChange[];
  noiseCount: number;
}

/** What checking one environment needs besides the environment. */
export interface CheckContext {
  azure: OpenAzure;
  platform: Platform;
  tracker: DriftTracker;
  noiseRules: readonly NoiseRule[];
  connection: AzureConnection;
  runUrl?: string;
}

/**
 * What-if's view of an environment: a missing group (at resource-group scope) is one drift of its own, everything
 * else what-if says; at subscription scope what-if itself shows the groups the template would make.
 */
async function classify(context: CheckContext, environment: Environment, ready: ReadyTemplate) {
  const { azure, platform } = context;
  const { scope } = environment;
  if (
    scope.level === 'resourceGroup' &&
    (await findResourceGroup(azure, scope.resourceGroup)) === undefined
  ) {
    const groupId = `/subscriptions/${context.connection.subscriptionId}/resourceGroups/${scope.resourceGroup}`;
    return { drift: [{ resourceId: groupId, changeType: 'Create' }], noise: [], unchecked: [] };
  }
  // A reader identity may run what-if only when ARM does not check write permissions on every resource.
  const target = {
    scope,
    ...(environment.location ? { location: environment.location } : {}),
    deploymentName: environment.deploymentName,
    connection: context.connection,
  };
  const changes = await runWhatIf(azure, target, ready, platform, { validationLevel: 'ProviderNoRbac' });
  return classifyChanges(changes, [...builtInNoiseRules, ...context.noiseRules]);
}

/** A text that leaves by the tracker, with every registered secret in any form replaced. */
function redacted(platform: Platform, text: string): string {
  return platform.secrets.redact(text);
}

/**
 * Checks one environment: what-if (the group's existence first), the noise rules, then its issue or work item
 * brought in line with the drift (opened, updated, left alone or closed).
 */
export async function checkEnvironment(
  context: CheckContext,
  environment: Environment,
  ready: ReadyTemplate,
): Promise<EnvironmentResult> {
  const { platform, tracker } = context;
  const classification: DriftClassification = await classify(context, environment, ready);
  const { drift } = classification;
  const fingerprint = drift.length > 0 ? driftFingerprint(drift) : undefined;
  const where = scopeLabel(environment.scope, context.connection.subscriptionId);
  const facts: DriftFacts = {
    environment: environment.name,
    scope:
      environment.scope.level === 'resourceGroup'
        ? { kind: 'resource group', name: environment.scope.resourceGroup }
        : { kind: 'subscription', name: context.connection.subscriptionId },
    template: environment.template,
    classification,
    fingerprint: fingerprint ?? '',
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
  };
  const notice = fingerprint === undefined ? undefined : noticeFor(tracker.format, facts);
  let record: LifecycleResult;
  let recordError: unknown;
  try {
    record = await applyDriftLifecycle(tracker, {
      environment: environment.name,
      ...(fingerprint === undefined ? {} : { fingerprint }),
      ...(notice === undefined
        ? {}
        : { notice: { title: redacted(platform, notice.title), body: redacted(platform, notice.body) } }),
      changedComment: redacted(platform, changedComment(facts)),
      cleanComment: redacted(platform, cleanComment(environment.name, context.runUrl)),
    });
  } catch (error) {
    record = { step: 'failed' };
    recordError = error;
  }
  return {
    name: environment.name,
    scope: environment.scope,
    where,
    drifted: drift.length > 0,
    driftCount: drift.reduce((sum, change) => sum + driftPropertyCount(change), 0),
    ...(fingerprint === undefined ? {} : { fingerprint }),
    record,
    ...(recordError === undefined ? {} : { recordError }),
    changes: drift,
    noiseCount: classification.noise.length,
  };
}
