import { UserFacingError, type Platform } from '@azpn/core';
import {
  changeCounts,
  changeLines,
  hasChanges,
  whatIfTable,
  type ResourceChange,
  type SecureFlow,
} from '@azpn/whatif';
import type { DeployConfig } from './config.js';
import { changesForMissingGroup, missingGroupSummary } from './missing-group.js';
import type { PublishedOutput } from './outputs.js';
import type { PreparedTemplate } from './template-source.js';
import { redactedChanges } from './template-what-if.js';

/** One run's state: what every stage reads. */
export interface Deployment {
  config: DeployConfig;
  prepared: PreparedTemplate;
  flow: SecureFlow;
  platform: Platform;
  progress: (message: string) => void;
}

/** What a run did, for a caller that renders it elsewhere too (a pull request comment). */
export interface DeploymentOutcome {
  /** The deployment's name (a stack's: the deployment the stack made, once deployed). */
  deploymentName: string;
  /** What-if's changes, redacted, known noise set aside (empty after validate only). */
  changes: ResourceChange[];
  /** The outputs published (secure ones never; masked ones flagged secret); empty unless deployed. */
  outputs: PublishedOutput[];
  /** True when the deployment ran (mode deploy). */
  deployed: boolean;
  correlationId?: string;
}

/** The outcome of a run that stopped before deploying, having shown `changes`. */
export function notDeployed(deploymentName: string, changes: ResourceChange[] = []): DeploymentOutcome {
  return { deploymentName, changes, outputs: [], deployed: false };
}

/** Registers every secure parameter value, and every text inside a secure object, before anything prints. */
export function maskSecureValues(platform: Platform, prepared: PreparedTemplate): void {
  const secure = new Set(prepared.secureParameters.map((n) => n.toLowerCase()));
  const mask = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value !== '') platform.secrets.mask(value);
    } else if (typeof value === 'object' && value !== null) {
      platform.secrets.mask(JSON.stringify(value));
      Object.values(value).forEach(mask);
    } else if (value !== undefined && value !== null) platform.secrets.mask(String(value));
  };
  for (const [name, { value }] of Object.entries(prepared.parameters))
    if (secure.has(name.toLowerCase())) mask(value);
}

/** What-if's changes, redacted before anything renders them. */
export function redacted(run: Deployment, changes: readonly ResourceChange[]): ResourceChange[] {
  return redactedChanges(run.platform, run.flow, changes);
}

/**
 * Logs the changes, sets has-changes (also true when `alsoChanges`: a stack letting go of resources), and fails
 * (after writing the summary) when fail-on-changes says so.
 */
export async function reportChanges(
  run: Deployment,
  changes: ResourceChange[],
  summary: string,
  alsoChanges = false,
): Promise<void> {
  const { platform, config } = run;
  await platform.log.group('What-if', async () => {
    for (const line of changeLines(changes)) platform.log.info(line);
  });
  const changed = hasChanges(changes) || alsoChanges;
  platform.outputs.set('has-changes', String(changed));
  run.progress(`what-if: ${changeCounts(changes)}`);
  if (changed && config.failOnChanges) {
    await platform.summary.append(summary);
    throw new UserFacingError(
      `What-if found changes (${changeCounts(changes)}${alsoChanges ? ', and resources the stack would let go' : ''}) and fail-on-changes is true: review the changes in the job summary, then deploy them or revert the drift.`,
    );
  }
}

/**
 * Validate and what-if against a group that does not exist: nothing is created; the engine predicts. Answers the
 * changes predicted, redacted.
 */
export async function previewMissingGroup(run: Deployment): Promise<ResourceChange[]> {
  const { config, platform } = run;
  const changes = redacted(run, changesForMissingGroup(config, run.prepared));
  run.progress(`resource group ${config.resourceGroup} does not exist; template evaluated locally`);
  const summary =
    missingGroupSummary(config) + `What-if: ${changeCounts(changes)}.\n\n` + whatIfTable(changes);
  if (config.mode === 'what-if') await reportChanges(run, changes, summary);
  await platform.summary.append(summary);
  return changes;
}
