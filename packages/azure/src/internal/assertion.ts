/** The claims of a federated assertion that decide whether Entra ID accepts it. Never the token itself. */
export interface AssertionClaims {
  issuer?: string;
  subject?: string;
  audience?: string;
}

/**
 * Reads the issuer, subject and audience of a JWT without verifying it: they only serve to explain a
 * rejection, and Entra ID is the one that verifies.
 */
export function readAssertionClaims(jwt: string): AssertionClaims {
  const payload = jwt.split('.')[1];
  if (!payload) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const aud = Array.isArray(claims['aud']) ? claims['aud'][0] : claims['aud'];
    return {
      ...(typeof claims['iss'] === 'string' ? { issuer: claims['iss'] } : {}),
      ...(typeof claims['sub'] === 'string' ? { subject: claims['sub'] } : {}),
      ...(typeof aud === 'string' ? { audience: aud } : {}),
    };
  } catch {
    return {};
  }
}

/** A token request that failed after a federated assertion was presented; carries what was presented. */
export class FederatedAssertionError extends Error {
  readonly clientId: string;
  readonly claims: AssertionClaims;

  constructor(cause: unknown, clientId: string, claims: AssertionClaims) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'FederatedAssertionError';
    this.clientId = clientId;
    this.claims = claims;
  }
}
