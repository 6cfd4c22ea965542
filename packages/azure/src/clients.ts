import { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { DeploymentStacksClient } from '@azure/arm-resourcesdeploymentstacks';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { Logger } from '@azpn/core';
import type { CloudDefinition } from './cloud.js';
import { resourceManagerScope } from './cloud.js';
import { failedRequestPolicy } from './internal/failed-request-policy.js';
import type { ArmExchange } from './internal/failed-request-policy.js';
import { azpnVersion } from './version.js';

export type { ArmExchange } from './internal/failed-request-policy.js';

/** The user agent every request of the suite starts with, before the SDK's own. */
export const userAgentPrefix = `azpn/${azpnVersion}`;

/** The SDK clients the actions use, all pointed at one cloud and one subscription. */
export interface ArmClients {
  resources: ResourceManagementClient;
  deployments: DeploymentsClient;
  /** Deployment stacks (`Microsoft.Resources/deploymentStacks`, api-version 2024-03-01). */
  deploymentStacks: DeploymentStacksClient;
  network: NetworkManagementClient;
  privateDns: PrivateDnsManagementClient;
  containerInstances: ContainerInstanceManagementClient;
  /**
   * The last request any of the clients made and the status it got, for errors that lost their response: a
   * failed long-running operation reports no headers, but its last poll carries the correlation id to pass
   * to `describeAzureError`.
   */
  lastResponse(): ArmExchange | undefined;
}

/** Options for {@link createArmClients}. */
export interface ArmClientOptions {
  /** Where failures (debug: with request and response bodies) and throttling waits are logged. */
  log: Logger;
  /** How often the SDK retries a failed request; the SDK's default (3) when unset. */
  maxRetries?: number;
}

/**
 * Builds the suite's Azure SDK clients: each talks to `cloud.resourceManager`, asks for tokens with the cloud's
 * audience, identifies itself as `azpn/<version>`, keeps the SDK's retry policies (which honour Retry-After on
 * 429 and 503), and logs failed requests with their correlation id. This is the only place clients are built.
 */
export function createArmClients(
  cloud: CloudDefinition,
  credential: TokenCredential,
  subscriptionId: string,
  options: ArmClientOptions,
): ArmClients {
  let last: ArmExchange | undefined;
  const policy: PipelinePolicy = failedRequestPolicy(options.log, (exchange) => {
    last = exchange;
  });
  const common = {
    endpoint: cloud.resourceManager,
    userAgentOptions: { userAgentPrefix },
    additionalPolicies: [{ policy, position: 'perRetry' as const }],
    ...(cloud.ca ? { tlsOptions: { ca: cloud.ca } } : {}),
    ...(options.maxRetries !== undefined ? { retryOptions: { maxRetries: options.maxRetries } } : {}),
  };
  const classic = {
    ...common,
    $host: cloud.resourceManager,
    credentialScopes: [resourceManagerScope(cloud)],
  };
  return {
    resources: new ResourceManagementClient(credential, subscriptionId, classic),
    deployments: new DeploymentsClient(credential, subscriptionId, {
      ...common,
      credentials: { scopes: [resourceManagerScope(cloud)] },
    }),
    deploymentStacks: new DeploymentStacksClient(credential, subscriptionId, classic),
    network: new NetworkManagementClient(credential, subscriptionId, classic),
    privateDns: new PrivateDnsManagementClient(credential, subscriptionId, classic),
    containerInstances: new ContainerInstanceManagementClient(credential, subscriptionId, classic),
    lastResponse: () => last,
  };
}
