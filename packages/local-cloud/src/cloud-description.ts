/** A service principal as `cloud.json` describes it. */
export interface PrincipalDescription {
  name: string;
  tenantId: string;
  clientId: string;
  objectId: string;
  clientSecret?: string;
  federatedCredentials: { name: string; issuer: string; subject: string; audiences: string[] }[];
}

/** A GitHub job's OIDC request endpoint: what a runner sets as ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN. */
export interface GitHubJobDescription {
  name: string;
  subject: string;
  requestUrl: string;
  requestToken: string;
}

/** The content of `DIR/cloud.json`: everything a client needs to reach and sign in to the local cloud. */
export interface CloudDescription {
  name: string;
  resourceManager: string;
  authorityHost: string;
  /** The token audience ARM accepts; request `${audience}.default`. */
  audience: string;
  metadataEndpoint: string;
  tenantId: string;
  subscriptionId: string;
  caFile?: string;
  caPem: string;
  principals: PrincipalDescription[];
  github: { issuer: string; jobs: GitHubJobDescription[] };
  azureDevOps: {
    issuer: string;
    organization: string;
    project: string;
    oidcRequestUri: string;
    systemAccessToken: string;
    serviceConnections: { id: string; name: string; subject: string }[];
  };
  /**
   * What the API stand-ins (plug-ins outside ARM) say of themselves, by plug-in name: `github-api` gives
   * `serverUrl` and `apiUrl` (`GITHUB_SERVER_URL`, `GITHUB_API_URL`), `azure-devops-api` the collection URI
   * (`System.CollectionUri`) and the project.
   */
  services: Record<string, Record<string, unknown>>;
  admin: { endpoint: string; token: string };
  pid: number;
}
