/** Seconds before a token's expiry at which a cached one is no longer handed out. */
const marginSeconds = 60;

function expiryOf(jwt: string): number | undefined {
  const payload = jwt.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reuses a workload-identity token (the GitHub or Azure DevOps OIDC token a federated credential presents) until
 * a minute before it expires. Every ARM client asks its credential for a token, and the SDK fetches the
 * assertion each time, so without this one run would request a new OIDC token per client. A failed fetch is
 * not kept; a token without a readable expiry is not reused.
 */
export function reusedAssertion(
  fetch: () => Promise<string>,
  nowSeconds: () => number = () => Date.now() / 1000,
): () => Promise<string> {
  let cached: { token: Promise<string>; expiresAt?: number } | undefined;
  return () => {
    if (
      cached !== undefined &&
      (cached.expiresAt === undefined || cached.expiresAt - marginSeconds > nowSeconds())
    ) {
      return cached.token;
    }
    const entry: { token: Promise<string>; expiresAt?: number } = { token: fetch() };
    cached = entry;
    entry.token.then(
      (token) => {
        const exp = expiryOf(token);
        if (exp === undefined) {
          if (cached === entry) cached = undefined;
        } else entry.expiresAt = exp;
      },
      () => {
        if (cached === entry) cached = undefined;
      },
    );
    return entry.token;
  };
}
