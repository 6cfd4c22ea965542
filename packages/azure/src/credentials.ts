import { reusedAssertion } from './assertion-cache.js';
import type { TokenCredential } from '@azure/core-auth';
import { AzureCliCredential, ClientSecretCredential } from '@azure/identity';
import type { IdentityTokenSource, ServiceConnection } from '@azpn/core';
import { InputError, UserFacingError } from '@azpn/core';
import type { CloudDefinition } from './cloud.js';
import { azureDevOpsOidcToken } from './internal/azure-devops-oidc.js';
import { federatedCredential, explainingAuthorityFailures } from './internal/federated-credential.js';
import { azureMessages } from './messages.js';

/** The audience GitHub's ID token must carry for Entra ID to exchange it (workload identity federation). */
export const githubTokenAudience = 'api://AzureADTokenExchange';

/** The ways to sign in that `auto` tries, in its default order. */
export type AutomaticCredentialKind = 'github-oidc' | 'azure-devops' | 'azure-cli';

/**
 * How to sign in to Entra ID, parsed once from the inputs.
 * - `github-oidc`: the runner's ID token (audience `api://AzureADTokenExchange`) exchanged for an app's token.
 * - `azure-devops`: an Azure Resource Manager service connection with workload identity federation.
 * - `azure-cli`: whatever `az login` (or an `azure/login` step) left signed in.
 * - `client-secret`: an app registration's secret, for local runs and tests.
 * - `auto`: the first of `order` whose prerequisites are present (see {@link defaultCredentialOrder}).
 */
export type CredentialConfig =
  | { kind: 'github-oidc'; tenantId: string; clientId: string }
  | { kind: 'azure-devops'; tenantId: string; clientId: string; serviceConnectionId: string }
  | { kind: 'azure-cli'; tenantId?: string }
  | { kind: 'client-secret'; tenantId: string; clientId: string; clientSecret: string }
  | {
      kind: 'auto';
      tenantId?: string;
      clientId?: string;
      serviceConnectionId?: string;
      /** Overrides {@link defaultCredentialOrder}; list only the kinds you allow. */
      order?: readonly AutomaticCredentialKind[];
    };

/**
 * The documented order `auto` follows: GitHub OIDC when the job may request an ID token and a client and
 * tenant are given, then an Azure DevOps service connection when the agent offers its OIDC endpoint, then the
 * Azure CLI. Users override it with an explicit kind or their own `order`.
 */
export const defaultCredentialOrder: readonly AutomaticCredentialKind[] = [
  'github-oidc',
  'azure-devops',
  'azure-cli',
];

/** A credential and the way to sign in that produced it (for the log line that says which one was used). */
export interface SelectedCredential {
  kind: Exclude<CredentialConfig['kind'], 'auto'>;
  credential: TokenCredential;
}

/**
 * Builds the credential `config` asks for, against `cloud`'s authority. For a cloud described by metadata,
 * instance discovery is off, since MSAL would otherwise validate the authority against the public cloud.
 * Throws a {@link UserFacingError} when the platform cannot supply what the chosen kind needs.
 */
export function createCredential(
  config: CredentialConfig,
  cloud: CloudDefinition,
  identity: IdentityTokenSource,
): SelectedCredential {
  const options = {
    authorityHost: cloud.authorityHost,
    disableInstanceDiscovery: cloud.custom,
    ...(cloud.ca ? { tlsOptions: { ca: cloud.ca } } : {}),
  };
  switch (config.kind) {
    case 'github-oidc': {
      const request = identity.githubIdToken;
      if (!request) throw new UserFacingError(azureMessages.githubTokenUnavailable());
      const assertion = reusedAssertion(() => request(githubTokenAudience));
      return {
        kind: 'github-oidc',
        credential: federatedCredential(config.tenantId, config.clientId, assertion, options),
      };
    }
    case 'azure-devops': {
      const { azureDevOpsAccessToken: accessToken, azureDevOpsOidcRequestUri: requestUri } = identity;
      if (!accessToken || !requestUri) throw new UserFacingError(azureMessages.azureDevOpsTokenUnavailable());
      const assertion = reusedAssertion(() =>
        azureDevOpsOidcToken({
          requestUri,
          accessToken,
          serviceConnectionId: config.serviceConnectionId,
          ca: cloud.ca,
        }),
      );
      return {
        kind: 'azure-devops',
        credential: federatedCredential(config.tenantId, config.clientId, assertion, options),
      };
    }
    case 'azure-cli':
      return {
        kind: 'azure-cli',
        credential: new AzureCliCredential(config.tenantId ? { tenantId: config.tenantId } : {}),
      };
    case 'client-secret':
      return {
        kind: 'client-secret',
        credential: explainingAuthorityFailures(
          new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, options),
          options.authorityHost,
        ),
      };
    case 'auto':
      return createCredential(chooseAutomatically(config, identity), cloud, identity);
  }
}

/**
 * Resolves `auto` to one concrete kind by looking at what the platform offers, without any network call, so
 * the choice is predictable and its failure names the missing piece rather than a chain of errors.
 */
export function chooseAutomatically(
  config: Extract<CredentialConfig, { kind: 'auto' }>,
  identity: IdentityTokenSource,
): Exclude<CredentialConfig, { kind: 'auto' }> {
  const { tenantId, clientId, serviceConnectionId } = config;
  const order = config.order ?? defaultCredentialOrder;
  for (const kind of order) {
    if (kind === 'github-oidc' && identity.githubIdToken && tenantId && clientId) {
      return { kind, tenantId, clientId };
    }
    const offersAdo = identity.azureDevOpsAccessToken && identity.azureDevOpsOidcRequestUri;
    if (kind === 'azure-devops' && offersAdo && tenantId && clientId && serviceConnectionId) {
      return { kind, tenantId, clientId, serviceConnectionId };
    }
    if (kind === 'azure-cli') return tenantId ? { kind, tenantId } : { kind };
  }
  throw new UserFacingError(azureMessages.noCredentialAvailable(order));
}

/**
 * Reads an Azure Resource Manager service connection (workload identity federation) into a config. `input`
 * names the task input that chose the connection, for the error when a field is missing.
 */
export function credentialConfigFromServiceConnection(
  connection: ServiceConnection,
  input: string,
): Extract<CredentialConfig, { kind: 'azure-devops' }> {
  const tenantId = connection.parameters['tenantid'];
  const clientId = connection.parameters['serviceprincipalid'];
  if (!tenantId) throw new InputError(input, azureMessages.serviceConnectionFieldMissing(input, 'tenantid'));
  if (!clientId)
    throw new InputError(input, azureMessages.serviceConnectionFieldMissing(input, 'serviceprincipalid'));
  return { kind: 'azure-devops', tenantId, clientId, serviceConnectionId: connection.id };
}
