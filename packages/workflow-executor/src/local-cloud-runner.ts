/**
 * The repository settings and runner a workflow or pipeline meets when its cloud is the local cloud: `vars` from
 * the cloud's description, the cloud's CA and the Bicep CLI on every step, and job tokens minted by the cloud's
 * GitHub OIDC issuer for exactly the job's subject (ref, pull request or environment). The same for an Azure
 * DevOps agent: the workload-identity service connection by name, the OIDC request URI and the access token.
 */
import { join } from 'node:path';
import {
  azureDevOpsAgentEnvironment,
  defaultIds,
  githubRunnerEnvironment,
  LocalCloudAdmin,
  type LocalCloud,
} from '@azpn/local-cloud';
import type { AzurePipelineOptions } from './azure-pipelines/options.js';
import type { GitHubWorkflowOptions } from './github/options.js';
import type { JobToken, JobTokenRequest, PullRequestFacts } from './github/results.js';
import { hostEnvironment } from './host-environment.js';

/** What a GitHub run against the local cloud takes from it, and the token requests it made. */
export interface LocalCloudGitHubSettings extends Required<
  Pick<GitHubWorkflowOptions, 'vars' | 'runnerEnv' | 'jobToken' | 'serverUrl'>
> {
  /** Every job-token request, in order: the permissions, environment and event each job asked with. */
  tokenRequests: JobTokenRequest[];
}

/** The event the cloud's issuer knows: only a pull request changes the subject, besides an environment. */
function issuerEvent(event: string): 'push' | 'pull_request' | 'workflow_dispatch' {
  if (event === 'pull_request' || event === 'pull_request_target') return 'pull_request';
  return event === 'workflow_dispatch' ? 'workflow_dispatch' : 'push';
}

/** Makes the cloud's GitHub stand-in hold the pull request as the event shows it (opened, pushed to, closed). */
async function holdPullRequest(
  admin: LocalCloudAdmin,
  repository: string,
  pr: PullRequestFacts,
): Promise<void> {
  await admin.pluginCall('github-api', 'PUT', `/repositories/${repository}/pulls/${pr.number}`, {
    state: pr.state,
    merged: pr.merged,
    title: pr.title,
    headSha: pr.headSha,
    headRef: pr.headRef,
    headRepository: pr.headRepository,
    baseRef: pr.baseRef,
  });
}

/**
 * Makes the cloud's GitHub stand-in hold the branch or tag a push put at the event's commit, as GitHub holds it once
 * the push is received (a tag already annotated at that commit stays annotated).
 */
async function holdPushedRef(admin: LocalCloudAdmin, request: JobTokenRequest): Promise<void> {
  if (request.event !== 'push' || !/^refs\/(heads|tags)\//.test(request.ref)) return;
  await admin.pluginCall('github-api', 'PUT', `/repositories/${request.repository}/git/${request.ref}`, {
    sha: request.sha,
  });
}

/** The job's `GITHUB_TOKEN` from the cloud's GitHub stand-in, with the job's permissions (`none` left out). */
async function gitHubToken(admin: LocalCloudAdmin, request: JobTokenRequest): Promise<string> {
  const permissions = Object.fromEntries(
    Object.entries(request.permissions).filter(([, level]) => level !== 'none'),
  );
  const minted = (await admin.pluginCall('github-api', 'POST', '/tokens', {
    repository: request.repository,
    permissions,
  })) as { token: string };
  return minted.token;
}

/**
 * Repository variables (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_SUBSCRIPTION_ID`, `AZURE_CLOUD`), the runner
 * environment, the cloud's GitHub stand-in as the server (`GITHUB_API_URL` = `<cloud>/api/v3`) and a job-token
 * minter for workflows run against `local`: each job gets a `GITHUB_TOKEN` with its permissions from the stand-in,
 * which first takes the event's pull request as the event shows it, or the pushed branch or tag at the event's
 * commit, and an ID-token endpoint with `id-token: write`.
 * `repositoryRoot` holds `tools/bicep`.
 */
export function localCloudGitHubSettings(
  local: LocalCloud,
  repositoryRoot: string,
  clientId: string = defaultIds.deployerClientId,
): LocalCloudGitHubSettings {
  const admin = new LocalCloudAdmin(local.cloud);
  const tokenRequests: JobTokenRequest[] = [];
  const base = githubRunnerEnvironment(local.cloud);
  return {
    vars: {
      AZURE_TENANT_ID: local.cloud.tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_SUBSCRIPTION_ID: local.cloud.subscriptionId,
      AZURE_CLOUD: local.cloud.resourceManager,
    },
    runnerEnv: {
      NODE_EXTRA_CA_CERTS: base.NODE_EXTRA_CA_CERTS!,
      PATH: `${join(repositoryRoot, 'tools', 'bicep')}:${hostEnvironment().PATH ?? ''}`,
    },
    serverUrl: String(
      local.cloud.services['github-api']?.serverUrl ?? local.cloud.resourceManager.replace(/\/$/, ''),
    ),
    tokenRequests,
    jobToken: async (request): Promise<JobToken> => {
      tokenRequests.push(request);
      if (request.pullRequest !== undefined)
        await holdPullRequest(admin, request.repository, request.pullRequest);
      await holdPushedRef(admin, request);
      const githubToken = await gitHubToken(admin, request);
      // GitHub hands a job the ID-token endpoint only with id-token: write.
      if (request.permissions['id-token'] !== 'write') return { githubToken };
      const job = await admin.addGitHubJob({
        name: `${request.workflow}/${request.jobName}/${request.runId}/${tokenRequests.length}`,
        repository: request.repository,
        ref: request.ref,
        event: issuerEvent(request.event),
        ...(request.environment ? { environment: request.environment } : {}),
      });
      return { githubToken, idTokenRequest: { url: job.requestUrl, token: job.requestToken } };
    },
  };
}

/**
 * The service connections, agent variables and secrets of an Azure Pipelines run against `local`, and the
 * organisation it runs in: the cloud's Azure DevOps stand-in (`System.CollectionUri`, `System.TeamProject`).
 */
export function localCloudAgentSettings(
  local: LocalCloud,
  repositoryRoot: string,
  clientId: string = defaultIds.deployerClientId,
): Required<
  Pick<
    AzurePipelineOptions,
    'serviceConnections' | 'agentVariables' | 'agentSecrets' | 'agentEnv' | 'organization'
  >
> {
  const agent = azureDevOpsAgentEnvironment(local.cloud, clientId);
  const named = local.cloud.azureDevOps.serviceConnections.find((c) => c.id === agent.connectionId);
  const endpoint = agent.endpoints[agent.connectionId]!;
  const service = local.cloud.services['azure-devops-api'];
  return {
    serviceConnections: { [named?.name ?? agent.connectionId]: { id: agent.connectionId, endpoint } },
    agentVariables: agent.variables,
    organization: {
      collectionUri: String(service?.collectionUri),
      project: String(service?.project),
      projectId: String(service?.projectId),
    },
    agentSecrets: agent.secretVariables,
    agentEnv: { PATH: `${join(repositoryRoot, 'tools', 'bicep')}:${hostEnvironment().PATH ?? ''}` },
  };
}

/** A pull request of an Azure Repos repository, as a PR build's trigger and the repository show it. */
export interface AzureReposPullRequest {
  /** The repository's name (`Build.Repository.Name`). */
  repository: string;
  id: number;
  status?: 'active' | 'abandoned' | 'completed';
  sourceBranch?: string;
  targetBranch?: string;
  sourceCommit?: string;
  isFork?: boolean;
}

/**
 * Makes the cloud's Azure DevOps stand-in hold an Azure Repos pull request as a PR build meets it (opened, pushed to,
 * completed or abandoned); answers the repository's id, the run's `Build.Repository.ID`.
 */
export async function holdAzureReposPullRequest(
  local: LocalCloud,
  pr: AzureReposPullRequest,
): Promise<string> {
  const admin = new LocalCloudAdmin(local.cloud);
  const repository = (await admin.pluginCall(
    'azure-devops-api',
    'PUT',
    `/repositories/${pr.repository}`,
    {},
  )) as {
    id: string;
  };
  await admin.pluginCall('azure-devops-api', 'PUT', `/repositories/${pr.repository}/pullrequests/${pr.id}`, {
    ...(pr.status ? { status: pr.status } : {}),
    ...(pr.sourceBranch ? { sourceRefName: pr.sourceBranch } : {}),
    ...(pr.targetBranch ? { targetRefName: pr.targetBranch } : {}),
    ...(pr.sourceCommit ? { sourceCommit: pr.sourceCommit } : {}),
    ...(pr.isFork ? { forkSource: `fork/${pr.repository}` } : {}),
  });
  return repository.id;
}
