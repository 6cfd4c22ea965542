import { compactVerify, decodeJwt, decodeProtectedHeader, type CryptoKey } from 'jose';
import type { PrincipalSpec } from '../../scenario/types.js';

/** Why an assertion was refused: the AADSTS code and message Entra gives for it. */
export interface AssertionRefusal {
  code: number;
  message: string;
}

/** An issuer whose tokens the authority accepts as client assertions, with the key that verifies them. */
export interface TrustedIssuer {
  url: string;
  publicKey: CryptoKey;
}

const docs = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';

/**
 * Checks a client assertion against the principal's federated credentials the way Entra does: signature by a
 * known issuer, time window, then a credential whose issuer, subject and audience all match.
 */
export async function checkFederatedAssertion(
  assertion: string,
  principal: PrincipalSpec,
  issuers: TrustedIssuer[],
  resolveIssuer: (issuer: string) => string,
  now: number,
): Promise<AssertionRefusal | undefined> {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    return { code: 50027, message: 'JWT token is invalid or malformed.' };
  }
  const issuer = issuers.find((i) => i.url === claims.iss);
  const credentials = principal.federatedCredentials.map((c) => ({ ...c, issuer: resolveIssuer(c.issuer) }));
  if (issuer === undefined || !credentials.some((c) => c.issuer === claims.iss)) {
    return {
      code: 700211,
      message: `No matching federated identity record found for presented assertion issuer '${claims.iss}'. Please note that the matching is done using a case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${docs}`,
    };
  }
  try {
    await compactVerify(assertion, issuer.publicKey);
  } catch {
    return {
      code: 5002738,
      message: `Invalid JWT token. The token signature could not be verified with a key of issuer '${claims.iss}'.`,
    };
  }
  const nowSeconds = Math.floor(now / 1000);
  if (
    claims.exp === undefined ||
    claims.exp <= nowSeconds ||
    (claims.nbf !== undefined && claims.nbf > nowSeconds + 300)
  ) {
    return {
      code: 700024,
      message: `Client assertion is not within its valid time range. Current time: ${new Date(now).toISOString()}, assertion valid from ${isoSeconds(claims.nbf)}, expiry time of assertion ${isoSeconds(claims.exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
    };
  }
  return matchCredential(credentials, claims);
}

function matchCredential(
  credentials: PrincipalSpec['federatedCredentials'],
  claims: ReturnType<typeof decodeJwt>,
): AssertionRefusal | undefined {
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud ?? ''];
  const sameIssuer = credentials.filter((c) => c.issuer === claims.iss);
  const sameAudience = sameIssuer.filter((c) => c.audiences.some((a) => audiences.includes(a)));
  if (sameAudience.length === 0) {
    return {
      code: 700212,
      message: `No matching federated identity record found for presented assertion audience '${audiences.join(', ')}'. Please note that the matching is done using a case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${docs}`,
    };
  }
  if (sameAudience.some((c) => c.subject === claims.sub)) return undefined;
  const caseOnly = sameAudience.some((c) => c.subject.toLowerCase() === String(claims.sub).toLowerCase());
  // Entra names the expected subject in this phrasing when it knows it (AADSTS7002137); the local cloud knows the
  // scenario's credentials, so it names them for every subject mismatch: both subjects appear in one message.
  const expected = [...new Set(sameAudience.map((c) => `'${c.subject}'`))].join(' or ');
  return {
    code: caseOnly ? 7002138 : 700213,
    message: `No matching federated identity record found for presented assertion subject '${claims.sub}'. ${
      caseOnly
        ? 'The subject matches with case-insensitive comparison, but not with case-sensitive comparison. '
        : ''
    }Please make sure the federated identity credential Subject is ${expected}. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${docs}`,
  };
}

function isoSeconds(seconds: number | undefined): string {
  return seconds === undefined ? '(none)' : new Date(seconds * 1000).toISOString();
}
