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

/** What every client of one connection shares, in the two option shapes the Azure SDK's generators take. */
export interface ArmClientSettings {
  credential: TokenCredential;
  subscriptionId: string;
  /** Options of a client from the older generator (`$host`, `credentialScopes`): resources, network, … */
  classic: ClassicClientOptions;
  /** Options of a client from the newer generator (`credentials.scopes`): deployments, deployment stacks. */
  modular: ModularClientOptions;
}

type SharedOptions = ReturnType<typeof sharedOptions>;
/** See {@link ArmClientSettings.classic}. */
export type ClassicClientOptions = SharedOptions & { $host: string; credentialScopes: string[] };
/** See {@link ArmClientSettings.modular}. */
export type ModularClientOptions = SharedOptions & { credentials: { scopes: string[] } };

/**
 * How one SDK client is built from the connection's settings. Each lives in its own module under
 * `@azpn/azure/clients/…`, so a bundle carries only the SDK packages of the clients it calls.
 */
export type ArmClientFactory<T> = (settings: ArmClientSettings) => T;

/** Clients of one cloud and credential, any subscription, and the last request they made. */
export interface ArmConnection {
  /** The subscription a client works in when none is named. */
  subscriptionId: string;
  /**
   * The client `factory` builds, for `subscriptionId` (the connection's when absent): a resource named by id is
   * read and written in the subscription its id names. Built once per factory and subscription (any case).
   */
  client<T>(factory: ArmClientFactory<T>, subscriptionId?: string): T;
  /**
   * The last request any of the clients made and the status it got, for errors that lost their response: a
   * failed long-running operation reports no headers, but its last poll carries the correlation id to pass
   * to `describeAzureError`.
   */
  lastResponse(): ArmExchange | undefined;
}

/** Options for {@link createArmConnection}. */
export interface ArmClientOptions {
  /** Where failures (debug: with request and response bodies) and throttling waits are logged. */
  log: Logger;
  /** How often the SDK retries a failed request; the SDK's default (3) when unset. */
  maxRetries?: number;
}

function sharedOptions(cloud: CloudDefinition, policy: PipelinePolicy, options: ArmClientOptions) {
  return {
    endpoint: cloud.resourceManager,
    userAgentOptions: { userAgentPrefix },
    additionalPolicies: [{ policy, position: 'perRetry' as const }],
    ...(cloud.ca ? { tlsOptions: { ca: cloud.ca } } : {}),
    ...(options.maxRetries !== undefined ? { retryOptions: { maxRetries: options.maxRetries } } : {}),
  };
}

/**
 * Connects to `cloud`'s resource manager: every client built through it talks to `cloud.resourceManager`, asks
 * for tokens with the cloud's audience, identifies itself as `azpn/<version>`, keeps the SDK's retry policies
 * (which honour Retry-After on 429 and 503), and logs failed requests with their correlation id. This is the
 * only place clients are built.
 */
export function createArmConnection(
  cloud: CloudDefinition,
  credential: TokenCredential,
  subscriptionId: string,
  options: ArmClientOptions,
): ArmConnection {
  let last: ArmExchange | undefined;
  const common = sharedOptions(
    cloud,
    failedRequestPolicy(options.log, (exchange) => (last = exchange)),
    options,
  );
  const scope = resourceManagerScope(cloud);
  const classic: ClassicClientOptions = {
    ...common,
    $host: cloud.resourceManager,
    credentialScopes: [scope],
  };
  const modular: ModularClientOptions = { ...common, credentials: { scopes: [scope] } };
  const built = new Map<ArmClientFactory<unknown>, Map<string, unknown>>();
  return {
    subscriptionId,
    client<T>(factory: ArmClientFactory<T>, subscription = subscriptionId): T {
      const bySubscription = built.get(factory) ?? new Map<string, unknown>();
      built.set(factory, bySubscription);
      const key = subscription.toLowerCase();
      if (!bySubscription.has(key))
        bySubscription.set(key, factory({ credential, subscriptionId: subscription, classic, modular }));
      return bySubscription.get(key) as T;
    },
    lastResponse: () => last,
  };
}
