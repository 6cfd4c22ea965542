import { UserFacingError } from '@azpn/core';
import type { DriftConfig } from './config.js';
import { AzureBoards } from './azure-boards.js';
import type { DriftTracker } from './drift-tracker.js';
import { GitHubIssues } from './github-issues.js';

/** What a GitHub runner tells the step about where issues live (its entry shell gathers it). */
export interface GitHubSettings {
  platform: 'github';
  /** The `github-token` input. */
  token?: string;
  /** `GITHUB_API_URL`, `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, `GITHUB_RUN_ID`. */
  apiUrl?: string;
  serverUrl?: string;
  repository?: string;
  runId?: string;
}

/** What an Azure DevOps agent tells the task about where work items live. */
export interface AzureDevOpsSettings {
  platform: 'azure-devops';
  /** `System.AccessToken`. */
  token?: string;
  /** `System.CollectionUri` and `System.TeamProject`; `Build.BuildId` for the link to the run. */
  collectionUri?: string;
  project?: string;
  buildId?: string;
}

/** Where drift is tracked, as the platform describes it. */
export type TrackerSettings = GitHubSettings | AzureDevOpsSettings;

/**
 * The tracker and the link to this run, or one sentence saying what is missing, before any call. Each tracker
 * loads its platform's client on its first call (and a bundle carries only its own platform's client).
 */
export async function openTracker(
  settings: TrackerSettings,
  config: DriftConfig,
): Promise<{ tracker: DriftTracker; runUrl?: string }> {
  if (settings.platform === 'github') {
    const { token, apiUrl, repository, serverUrl, runId } = settings;
    if (!token)
      throw new UserFacingError(
        'Input github-token is empty: leave it at its default (github.token) with "permissions: issues: write", or give a token that may write issues.',
      );
    if (!apiUrl || !repository)
      throw new UserFacingError(
        'GITHUB_API_URL or GITHUB_REPOSITORY is not set: run drift-check in a GitHub Actions job, which sets both.',
      );
    const tracker = new GitHubIssues({ token, apiUrl, repository, label: config.label });
    return {
      tracker,
      ...(serverUrl && runId ? { runUrl: `${serverUrl}/${repository}/actions/runs/${runId}` } : {}),
    };
  }
  const { token, collectionUri, project, buildId } = settings;
  if (!token)
    throw new UserFacingError(
      "System.AccessToken is not available to the task: allow scripts to access the OAuth token (the job's 'allowScriptsAccessToken') or map it, so that drift-check can write work items.",
    );
  if (!collectionUri || !project)
    throw new UserFacingError(
      'System.CollectionUri or System.TeamProject is not set: run drift-check in an Azure Pipelines job, which sets both.',
    );
  const tracker = new AzureBoards({
    collectionUri,
    project,
    token,
    tag: config.label,
    workItemType: config.workItemType,
    closedState: config.closedState,
  });
  const base = collectionUri.replace(/\/?$/, '/');
  return {
    tracker,
    ...(buildId ? { runUrl: `${base}${encodeURIComponent(project)}/_build/results?buildId=${buildId}` } : {}),
  };
}
