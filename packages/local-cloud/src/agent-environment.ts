import type { CloudDescription } from './cloud-description.js';
import { defaultIds } from './scenario/default-scenario.js';

function caFileOf(cloud: CloudDescription): string {
  if (cloud.caFile === undefined)
    throw new Error(
      'The local cloud wrote no CA file: start it with a state directory so child processes can trust it.',
    );
  return cloud.caFile;
}

/**
 * What a GitHub runner hands a step of the job `jobName` (a job the scenario declares): the ID-token request
 * endpoint and token that OIDC sign-in uses, and the cloud's CA for Node.
 */
export function githubRunnerEnvironment(cloud: CloudDescription, jobName = 'main'): Record<string, string> {
  const job = cloud.github.jobs.find((j) => j.name === jobName);
  if (job === undefined) {
    const known = cloud.github.jobs.map((j) => j.name).join(', ');
    throw new Error(`The local cloud has no GitHub job '${jobName}' (its scenario declares: ${known}).`);
  }
  return {
    NODE_EXTRA_CA_CERTS: caFileOf(cloud),
    ACTIONS_ID_TOKEN_REQUEST_URL: job.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: job.requestToken,
  };
}

/** A service connection as the Azure DevOps agent describes it to a task (`ENDPOINT_*`). */
export interface AgentServiceConnection {
  scheme: string;
  parameters: Record<string, string>;
  data: Record<string, string>;
}

/** Where the agent says the organisation and project are: the Azure DevOps stand-in's collection, when served. */
function collectionVariables(cloud: CloudDescription): Record<string, string> {
  const service = cloud.services?.['azure-devops-api'];
  if (service === undefined) return {};
  return {
    'System.CollectionUri': String(service.collectionUri),
    'System.TeamFoundationCollectionUri': String(service.collectionUri),
    'System.TeamProject': String(service.project),
    'System.TeamProjectId': String(service.projectId),
  };
}

/**
 * What an Azure DevOps agent hands a task that uses the cloud's first workload-identity service connection: the
 * connection (the `azureSubscription` input's value, and its endpoint data), the OIDC request URI, the collection
 * and project (`System.CollectionUri`, `System.TeamProject`) and the CA as variables, the job's access token as a
 * secret variable. The connection signs in as `clientId` (the scenario's deployer unless told otherwise).
 */
export function azureDevOpsAgentEnvironment(
  cloud: CloudDescription,
  clientId: string = defaultIds.deployerClientId,
): {
  connectionId: string;
  endpoints: Record<string, AgentServiceConnection>;
  variables: Record<string, string>;
  secretVariables: Record<string, string>;
} {
  const connection = cloud.azureDevOps.serviceConnections[0];
  if (connection === undefined)
    throw new Error('The local cloud scenario declares no Azure DevOps service connection.');
  return {
    connectionId: connection.id,
    endpoints: {
      [connection.id]: {
        scheme: 'WorkloadIdentityFederation',
        parameters: { tenantid: cloud.tenantId, serviceprincipalid: clientId },
        data: { subscriptionid: cloud.subscriptionId },
      },
    },
    variables: {
      'System.OidcRequestUri': cloud.azureDevOps.oidcRequestUri,
      ...collectionVariables(cloud),
      NODE_EXTRA_CA_CERTS: caFileOf(cloud),
    },
    secretVariables: { 'System.AccessToken': cloud.azureDevOps.systemAccessToken },
  };
}
