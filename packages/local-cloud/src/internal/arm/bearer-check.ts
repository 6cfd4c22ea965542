import { compactVerify, decodeJwt, type CryptoKey } from 'jose';
import type { Exchange, Reply } from '../http/exchange.js';
import { armError } from './arm-error.js';

/** The caller a valid token names. */
export interface ArmCaller {
  objectId: string;
  tenantId: string;
  /** The application (client) id the token was issued to, which ARM names in its authorization errors. */
  clientId?: string;
}

/** What checking a bearer token needs. */
export interface BearerCheckContext {
  publicKey: CryptoKey;
  audiences: string[];
  authorityHost: string;
  issuerOf: (tenantId: string) => string;
  now: number;
}

/** .NET's invariant date format, which ARM uses in its token error messages. */
function dotnetUtc(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hours}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

function unauthorized(
  context: BearerCheckContext,
  code: string,
  message: string,
  description: string,
): Reply {
  const challenge = `Bearer authorization_uri="${context.authorityHost}/", error="invalid_token", error_description="${description}"`;
  return armError(401, code, message, { 'www-authenticate': challenge });
}

/** Checks the bearer token of an ARM call: signature, audience and expiry, answering ARM's 401s. */
export async function checkBearer(
  exchange: Exchange,
  context: BearerCheckContext,
): Promise<ArmCaller | Reply> {
  const header = String(exchange.headers.authorization ?? '');
  if (!header) {
    return unauthorized(
      context,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
      "The authentication failed because of missing 'Authorization' header.",
    );
  }
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const invalid = () =>
    unauthorized(
      context,
      'InvalidAuthenticationToken',
      'The access token is invalid.',
      'The access token is invalid.',
    );
  if (token === undefined) return invalid();
  let claims: ReturnType<typeof decodeJwt>;
  try {
    await compactVerify(token, context.publicKey);
    claims = decodeJwt(token);
  } catch {
    return invalid();
  }
  const audience = String(claims.aud ?? '');
  if (!context.audiences.some((a) => a.replace(/\/+$/, '') === audience.replace(/\/+$/, ''))) {
    const allowed = context.audiences.flatMap((a) => [a, a.replace(/\/+$/, '')]).join("','");
    return unauthorized(
      context,
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences '${allowed}'.`,
      'The access token has been obtained for wrong audience or resource.',
    );
  }
  const expiresAt = (claims.exp ?? 0) * 1000;
  if (expiresAt <= context.now) {
    return unauthorized(
      context,
      'ExpiredAuthenticationToken',
      `The access token expiry UTC time '${dotnetUtc(expiresAt)}' is earlier than current UTC time '${dotnetUtc(context.now)}'.`,
      'The access token expiry UTC time is earlier than current UTC time.',
    );
  }
  const tenantId = String(claims.tid ?? '');
  if (claims.iss !== context.issuerOf(tenantId)) return invalid();
  const clientId = claims.appid ?? claims.azp;
  return {
    objectId: String(claims.oid ?? claims.sub),
    tenantId,
    ...(typeof clientId === 'string' ? { clientId } : {}),
  };
}

/** A token tenant that does not own the subscription: ARM's InvalidAuthenticationTokenTenant. */
export function wrongTenant(
  context: BearerCheckContext,
  tokenIssuer: string,
  subscriptionTenant: string,
): Reply {
  const expected = context.issuerOf(subscriptionTenant);
  return armError(
    401,
    'InvalidAuthenticationTokenTenant',
    `The access token is from the wrong issuer '${tokenIssuer}'. It must match the tenant '${expected}' associated with this subscription. Please use the authority (URL) '${context.authorityHost}/${subscriptionTenant}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
    {
      'www-authenticate': `Bearer authorization_uri="${context.authorityHost}/${subscriptionTenant}", error="invalid_token", error_description="The access token is from the wrong issuer."`,
    },
  );
}
