import type { TokenCredential } from '@azure/core-auth';
import { ClientAssertionCredential } from '@azure/identity';
import { UserFacingError } from '@azpn/core';
import { azureMessages } from '../messages.js';
import { FederatedAssertionError, readAssertionClaims } from './assertion.js';

type AssertionOptions = NonNullable<ConstructorParameters<typeof ClientAssertionCredential>[3]> & {
  authorityHost: string;
};

/**
 * A client-assertion credential that remembers the claims of the assertion it presented, so a federated
 * credential mismatch can be explained with the subject the token really had.
 */
export function federatedCredential(
  tenantId: string,
  clientId: string,
  assertion: () => Promise<string>,
  options: AssertionOptions,
): TokenCredential {
  let presented: string | undefined;
  let assertionFailure: unknown;
  const inner = new ClientAssertionCredential(
    tenantId,
    clientId,
    async () => {
      try {
        presented = await assertion();
        return presented;
      } catch (error) {
        assertionFailure = error;
        throw error;
      }
    },
    options,
  );
  const explained = explainingAuthorityFailures(inner, options.authorityHost);
  return {
    async getToken(scopes, getTokenOptions) {
      presented = undefined;
      assertionFailure = undefined;
      try {
        return await explained.getToken(scopes, getTokenOptions);
      } catch (error) {
        // MSAL rewraps what the assertion callback throws; our own sentence is the one worth showing.
        if (assertionFailure !== undefined) throw assertionFailure;
        if (presented === undefined || error instanceof UserFacingError) throw error;
        throw new FederatedAssertionError(error, clientId, readAssertionClaims(presented));
      }
    },
  };
}

/**
 * MSAL reports an authority it cannot reach as `endpoints_resolution_error`, without the host or the network
 * error: name the authority host instead, which is what the user can check.
 */
export function explainingAuthorityFailures(inner: TokenCredential, authorityHost: string): TokenCredential {
  return {
    async getToken(scopes, getTokenOptions) {
      try {
        return await inner.getToken(scopes, getTokenOptions);
      } catch (error) {
        if (error instanceof Error && error.message.includes('endpoints_resolution_error')) {
          throw new UserFacingError(azureMessages.authorityUnreachable(authorityHost), {
            code: 'endpoints_resolution_error',
            cause: error,
          });
        }
        throw error;
      }
    },
  };
}
