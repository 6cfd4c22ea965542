import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { UserFacingError } from '@azpn/core';
import { azureMessages } from '../messages.js';

/** The api-version of the agent's OIDC token endpoint that Azure DevOps documents for service connections. */
const oidcApiVersion = '7.1';

/** What it takes to ask the Azure DevOps agent's OIDC endpoint for a service connection's ID token. */
export interface AzureDevOpsOidcRequest {
  /** `System.OidcRequestUri` as the agent publishes it. */
  requestUri: string;
  /** `System.AccessToken`: authorises the request; never logged. */
  accessToken: string;
  serviceConnectionId: string;
  ca?: string | undefined;
}

/**
 * Requests the service connection's ID token the way AzurePipelinesCredential does, but from the URI the
 * platform port hands over rather than from `process.env`, so the same code is testable and port-pure.
 */
export async function azureDevOpsOidcToken(request: AzureDevOpsOidcRequest): Promise<string> {
  const url = new URL(request.requestUri);
  url.searchParams.set('api-version', oidcApiVersion);
  url.searchParams.set('serviceConnectionId', request.serviceConnectionId);
  const oidcRequest = createPipelineRequest({
    url: url.toString(),
    method: 'POST',
    headers: createHttpHeaders({
      'Content-Type': 'application/json',
      Authorization: `Bearer ${request.accessToken}`,
      // Without it the service answers a sign-in redirect instead of an error status.
      'X-TFS-FedAuthRedirect': 'Suppress',
    }),
  });
  // createPipelineRequest does not copy tlsSettings from its options.
  if (request.ca) oidcRequest.tlsSettings = { ca: request.ca };
  const response = await createDefaultHttpClient().sendRequest(oidcRequest);
  const token = parseOidcToken(response.bodyAsText);
  if (response.status !== 200 || !token) {
    throw new UserFacingError(
      azureMessages.azureDevOpsOidcFailed(response.status, serviceMessage(response.bodyAsText)),
    );
  }
  return token;
}

function parseOidcToken(text: string | null | undefined): string | undefined {
  try {
    const body = JSON.parse(text ?? '') as { oidcToken?: unknown };
    return typeof body.oidcToken === 'string' && body.oidcToken !== '' ? body.oidcToken : undefined;
  } catch {
    return undefined;
  }
}

function serviceMessage(text: string | null | undefined): string {
  try {
    const body = JSON.parse(text ?? '') as { message?: unknown };
    return typeof body.message === 'string' ? body.message : '';
  } catch {
    return '';
  }
}
