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
import type { GithubWorkflowOptions } from './github/options.js';
import type { JobTokenRequest } from './github/results.js';
import { hostEnvironment } from './host-environment.js';

/** What a GitHub run against the local cloud takes from it, and the token requests it made. */
export interface LocalCloudGithubSettings extends Required<
  Pick<GithubWorkflowOptions, 'vars' | 'runnerEnv' | 'jobToken'>
> {
  /** Every job-token request, in order: the permissions, environment and event each job asked with. */
  tokenRequests: JobTokenRequest[];
}

/** The event the cloud's issuer knows: only a pull request changes the subject, besides an environment. */
function issuerEvent(event: string): 'push' | 'pull_request' | 'workflow_dispatch' {
  if (event === 'pull_request' || event === 'pull_request_target') return 'pull_request';
  return event === 'workflow_dispatch' ? 'workflow_dispatch' : 'push';
}

/**
 * Repository variables (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_SUBSCRIPTION_ID`, `AZURE_CLOUD`), the runner
 * environment and a job-token minter for workflows run against `local`. `repositoryRoot` holds `tools/bicep`.
 */
export function localCloudGithubSettings(
  local: LocalCloud,
  repositoryRoot: string,
  clientId: string = defaultIds.deployerClientId,
): LocalCloudGithubSettings {
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
    tokenRequests,
    jobToken: async (request) => {
      tokenRequests.push(request);
      // GitHub hands a job the ID-token endpoint only with id-token: write.
      if (request.permissions['id-token'] !== 'write') return {};
      const job = await admin.addGitHubJob({
        name: `${request.workflow}/${request.jobName}/${request.runId}/${tokenRequests.length}`,
        repository: request.repository,
        ref: request.ref,
        event: issuerEvent(request.event),
        ...(request.environment ? { environment: request.environment } : {}),
      });
      return { idTokenRequest: { url: job.requestUrl, token: job.requestToken } };
    },
  };
}

/** The service connections, agent variables and secrets of an Azure Pipelines run against `local`. */
export function localCloudAgentSettings(
  local: LocalCloud,
  repositoryRoot: string,
  clientId: string = defaultIds.deployerClientId,
): Required<
  Pick<AzurePipelineOptions, 'serviceConnections' | 'agentVariables' | 'agentSecrets' | 'agentEnv'>
> {
  const agent = azureDevOpsAgentEnvironment(local.cloud, clientId);
  const named = local.cloud.azureDevOps.serviceConnections.find((c) => c.id === agent.connectionId);
  const endpoint = agent.endpoints[agent.connectionId]!;
  return {
    serviceConnections: { [named?.name ?? agent.connectionId]: { id: agent.connectionId, endpoint } },
    agentVariables: agent.variables,
    agentSecrets: agent.secretVariables,
    agentEnv: { PATH: `${join(repositoryRoot, 'tools', 'bicep')}:${hostEnvironment().PATH ?? ''}` },
  };
}
