/** Error codes Node gives when a TLS peer's certificate is not trusted. */
export const untrustedCertificateCodes = [
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
];

/** Error codes Node gives when a host cannot be reached at all. */
export const unreachableCodes = [
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
];

/** The first of `codes` that `error` (or its causes) carries, by code or in its message. */
export function findErrorCode(error: unknown, codes: readonly string[]): string | undefined {
  for (let e = error, i = 0; typeof e === 'object' && e !== null && i < 6; e = (e as Error).cause, i++) {
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    const found = codes.find((c) => c === code || (typeof message === 'string' && message.includes(c)));
    if (found) return found;
  }
  return undefined;
}
