/**
 * What tests (of this package and of the others) use to reach a running local cloud with the Azure SDK, as a sovereign
 * cloud is reached: a service principal's credential at the cloud's authority, and the client options that point the
 * ARM SDKs at its resource manager with its token audience. Imported as `@azpn/local-cloud/test-support`; it needs
 * `@azure/identity`, which the tests' workspaces have.
 */
import { ClientSecretCredential } from '@azure/identity';
import type { CloudDescription, PrincipalDescription } from './cloud-description.js';
import { cloudRequest, type CloudResponse } from './cloud-https.js';

/** The ARM SDK client options of the local cloud, for both generations of the Azure SDK. */
export interface CloudClientOptions {
  /** The cloud's resource manager URL. */
  endpoint: string;
  /** The token scope, as the classic clients (`@azure/arm-network`, `@azure/arm-resources`, …) take it. */
  credentialScopes: string[];
  /** The token scope, as the newer clients (`@azure/arm-resourcesdeployments`) take it. */
  credentials: { scopes: string[] };
}

/** A principal's way into the cloud with the Azure SDK. */
export interface CloudSdkAccess {
  /** The principal's credential, signing in at the cloud's authority (no instance discovery). */
  credential: ClientSecretCredential;
  /** The scope ARM tokens are requested for: `${audience}.default`. */
  scope: string;
  /** Options for any ARM SDK client: `new NetworkManagementClient(credential, subscriptionId, options)`. */
  options: CloudClientOptions;
}

/** Which principal signs in, and in which tenant. */
export interface CloudSdkAccessOptions {
  /** The principal (default: the cloud's first); it needs a client secret. */
  principal?: Pick<PrincipalDescription, 'clientId' | 'clientSecret' | 'name'> & { tenantId?: string };
  /** The tenant to sign in to (default: the principal's, else the cloud's). */
  tenantId?: string;
}

/**
 * The credential and SDK options of a principal of the local cloud. Throws, naming the principal, when it has no
 * client secret (sign in with its federated credential instead).
 */
export function cloudSdkAccess(
  cloud: Pick<CloudDescription, 'authorityHost' | 'audience' | 'resourceManager' | 'tenantId' | 'principals'>,
  access: CloudSdkAccessOptions = {},
): CloudSdkAccess {
  const principal = access.principal ?? cloud.principals[0];
  if (principal?.clientSecret === undefined) {
    throw new Error(
      `The local cloud principal '${principal?.name ?? '(none)'}' has no client secret: give it one in the scenario or sign in with its federated credential.`,
    );
  }
  const tenantId = access.tenantId ?? principal.tenantId ?? cloud.tenantId;
  const credential = new ClientSecretCredential(tenantId, principal.clientId, principal.clientSecret, {
    authorityHost: cloud.authorityHost,
    disableInstanceDiscovery: true,
  });
  const scope = `${cloud.audience}.default`;
  const options = {
    endpoint: cloud.resourceManager,
    credentialScopes: [scope],
    credentials: { scopes: [scope] },
  };
  return { credential, scope, options };
}

/**
 * Sends one raw ARM call as the principal of `access`: `path` is what follows the resource manager URL (`/subscriptions/
 * …`, query included). For tests that need ARM's exact status, headers and body, or a body no SDK would send.
 */
export async function armRequest(
  cloud: Pick<CloudDescription, 'resourceManager' | 'caPem'>,
  access: Pick<CloudSdkAccess, 'credential' | 'scope'>,
  method: string,
  path: string,
  body?: unknown,
): Promise<CloudResponse> {
  const token = (await access.credential.getToken(access.scope)).token;
  const url = `${cloud.resourceManager}${path.replace(/^\//, '')}`;
  return cloudRequest(cloud.caPem, method, url, { headers: { authorization: `Bearer ${token}` }, body });
}
