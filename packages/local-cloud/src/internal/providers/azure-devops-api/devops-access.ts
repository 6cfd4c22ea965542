/**
 * The checks every Azure DevOps call passes before its route: the credentials (the pipeline's job access token, as
 * a bearer token or as a personal access token in Basic), and the api-version against the location's versions.
 */
import type { Exchange, Reply } from '../../http/exchange.js';
import { devOpsError } from './devops-errors.js';
import { parseApiVersion, requestedApiVersion, type ResourceLocation } from './devops-locations.js';

/** The sign-in page Azure DevOps Services answers (203) to a call without credentials it recognises. */
const signInPage =
  '<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body>Sign in to continue.</body></html>';

/** The token of the Authorization header: `Bearer t`, or Basic `user:t` (a PAT), or undefined. */
function presentedToken(header: string): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (bearer !== undefined) return bearer;
  const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
  if (basic === undefined) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1) || undefined;
}

/**
 * Answers the refusal of a call whose credentials are not the job access token: without credentials, the 203 sign-in
 * page (which a client then fails to read as JSON, as it does against the real service); with a wrong token, 401.
 */
export function refuseCredentials(exchange: Exchange, accessToken: string): Reply | undefined {
  const header = String(exchange.headers.authorization ?? '');
  const token = presentedToken(header);
  if (token === undefined)
    return { status: 203, headers: { 'content-type': 'text/html; charset=utf-8' }, body: signInPage };
  if (token === accessToken) return undefined;
  return {
    status: 401,
    headers: {
      'www-authenticate':
        'Bearer authorization_uri=https://login.microsoftonline.com/common, Basic realm="Azure DevOps"',
      'x-tfs-fedauthredirect': 'Suppressed',
    },
    body: { message: 'TF400813: The user is not authorized to access this resource.' },
  };
}

/**
 * Refuses a call whose api-version the location does not serve, in Azure DevOps' words: none given, not a version,
 * out of range, or a preview version asked for without `-preview`.
 */
export function refuseApiVersion(exchange: Exchange, location: ResourceLocation): Reply | undefined {
  const text = requestedApiVersion(exchange.query, String(exchange.headers.accept ?? ''));
  if (text === undefined)
    return devOpsError(
      400,
      'VssVersionNotSpecifiedException',
      `No api-version was supplied for the ${exchange.method} request.`,
    );
  const version = parseApiVersion(text);
  if (version === undefined)
    return devOpsError(
      400,
      'VssInvalidVersionException',
      `The api-version '${text}' is not a valid version.`,
    );
  if (version.version > Number(location.maxVersion) || version.version < Number(location.minVersion))
    return devOpsError(
      400,
      'VssVersionOutOfRangeException',
      `The requested REST API version of ${version.version.toFixed(1)} is out of range for this server. The latest REST API version this server supports is ${location.maxVersion}.`,
    );
  if (version.version > Number(location.releasedVersion) && !version.preview)
    return devOpsError(
      400,
      'VssInvalidPreviewVersionException',
      `The requested version "${text}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${text}-preview"`,
    );
  return undefined;
}
