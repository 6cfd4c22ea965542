import type { Platform } from '@azpn/core';
import type { AzureDevOpsSettings, GitHubSettings } from './tracker-settings.js';

type Environment = Record<string, string | undefined>;

function definedOnly<T extends Record<string, string | undefined>>(
  values: T,
): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '')) as Partial<
    Record<keyof T, string>
  >;
}

/** Where a GitHub runner says issues live: the `github-token` input and the runner's `GITHUB_*` variables. */
export function gitHubSettings(platform: Platform, env: Environment): GitHubSettings {
  return {
    platform: 'github',
    ...definedOnly({
      token: platform.inputs.read('github-token'),
      apiUrl: env.GITHUB_API_URL,
      serverUrl: env.GITHUB_SERVER_URL,
      repository: env.GITHUB_REPOSITORY,
      runId: env.GITHUB_RUN_ID,
    }),
  };
}

/**
 * Where an Azure DevOps agent says work items live: `System.AccessToken` (a secret the agent hands the task) and
 * the variables `System.CollectionUri` (or the older `System.TeamFoundationCollectionUri`), `System.TeamProject`
 * and `Build.BuildId`, as the agent sets them in the environment.
 */
export function azureDevOpsSettings(platform: Platform, env: Environment): AzureDevOpsSettings {
  return {
    platform: 'azure-devops',
    ...definedOnly({
      token: platform.identity.azureDevOpsAccessToken,
      collectionUri: env.SYSTEM_COLLECTIONURI ?? env.SYSTEM_TEAMFOUNDATIONCOLLECTIONURI,
      project: env.SYSTEM_TEAMPROJECT,
      buildId: env.BUILD_BUILDID,
    }),
  };
}
