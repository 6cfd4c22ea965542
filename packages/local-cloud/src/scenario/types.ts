/** What a scenario declares: the directory, the CI systems that mint OIDC tokens, and how the cloud misbehaves. */
export interface Scenario {
  tenants: TenantSpec[];
  principals: PrincipalSpec[];
  github: { jobs: GitHubJobSpec[] };
  azureDevOps: AzureDevOpsSpec;
  locations: string[];
  latencies: Latencies;
  throttle: ThrottleSpec;
  faults: FaultRule[];
  /** Lifetime of the access tokens the authority issues. */
  tokenLifetimeSeconds: number;
}

/** A directory tenant and the subscriptions it owns. */
export interface TenantSpec {
  id: string;
  subscriptions: { id: string; displayName: string }[];
}

/** A service principal (app registration) that can sign in with a secret or a federated credential. */
export interface PrincipalSpec {
  name: string;
  clientId: string;
  objectId: string;
  tenantId: string;
  clientSecret?: string;
  federatedCredentials: FederatedCredentialSpec[];
}

/**
 * A federated identity credential. `issuer` is a URL, or `github` / `azure-devops` for the local cloud's own
 * issuers (resolved to their URLs at start).
 */
export interface FederatedCredentialSpec {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

/** A GitHub Actions job whose OIDC tokens the local GitHub issuer mints. */
export interface GitHubJobSpec {
  name: string;
  repository: string;
  ref: string;
  event: 'push' | 'pull_request' | 'workflow_dispatch';
  environment?: string;
}

/** The Azure DevOps organisation, project and service connections of the local ADO OIDC endpoint. */
export interface AzureDevOpsSpec {
  organization: string;
  project: string;
  serviceConnections: { id: string; name: string }[];
}

/** Added latency per operation type, in milliseconds; `longRunningMs` is how long an LRO stays in progress. */
export interface Latencies {
  readMs: number;
  writeMs: number;
  longRunningMs: number;
  tokenMs: number;
}

/** Token-bucket sizes and refill rates per subscription and principal. */
export interface ThrottleSpec {
  reads: TokenBucketSpec;
  writes: TokenBucketSpec;
}

/** One token bucket: its capacity and how many tokens it regains per second. */
export interface TokenBucketSpec {
  capacity: number;
  refillPerSecond: number;
}

/** What a fault rule does to a matching call. */
export type FaultEffect =
  | { kind: 'status'; status: 429 | 500 | 502 | 503 | 504; retryAfterSeconds?: number }
  | { kind: 'reset' }
  | { kind: 'slowLongRunning'; durationMs: number }
  /** The resource's long-running operation ends Failed with this error (applies to resources a deployment creates). */
  | { kind: 'failedLongRunning'; code: string; message: string };

/**
 * A fault injected into the next `count` calls that match: `method` (GET, PUT…), `operation` (read, write,
 * longRunning, token) and `pathPattern` (a case-insensitive regular expression over the path) all must match when given.
 */
export interface FaultRule {
  method?: string;
  operation?: OperationType;
  pathPattern?: string;
  count: number;
  effect: FaultEffect;
}

/** How the cloud classifies a call for latencies, faults and throttling. */
export type OperationType = 'read' | 'write' | 'longRunning' | 'token';
