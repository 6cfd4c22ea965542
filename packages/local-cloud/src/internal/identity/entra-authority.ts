import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { PrincipalSpec, Scenario } from '../../scenario/types.js';
import { json, type Exchange, type Reply } from '../http/exchange.js';
import { aadstsError } from './aadsts.js';
import { checkFederatedAssertion, type TrustedIssuer } from './federated-assertion.js';
import type { SigningKey } from './signing-key.js';

/** What the authority needs from the rest of the cloud. */
export interface AuthorityContext {
  authorityHost: string;
  scenario: Scenario;
  key: SigningKey;
  /** Resources (token audiences) the directory knows, e.g. the resource manager's audience. */
  resources: string[];
  trustedIssuers: () => TrustedIssuer[];
  resolveIssuer: (issuer: string) => string;
  now: () => number;
}

const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The path patterns the authority answers; everything else belongs to other parts of the cloud. */
export function isAuthorityPath(path: string): boolean {
  return (
    /^\/[^/]+\/(v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration|oauth2\/v2\.0\/token|discovery\/(v2\.0\/)?keys|discovery\/instance)$/.test(
      path,
    ) || /^\/adfs\/oauth2\/token\/?$/.test(path)
  );
}

/**
 * The first path segment of the AD FS-style authority. Azure Stack Hub clouds sign in at `{host}/adfs`, and MSAL
 * (and the azure-cli built on it) skips instance discovery against login.microsoftonline.com for such an authority;
 * the local cloud serves it as a second door into the home tenant (the scenario's first), issuing that tenant's tokens.
 */
const adfs = 'adfs';

/** The Entra-like authority: OpenID discovery, keys, and the v2.0 token endpoint for client credentials. */
export class EntraAuthority {
  constructor(private readonly context: AuthorityContext) {}

  /** The `iss` of the access tokens issued for a tenant. */
  tokenIssuer(tenantId: string): string {
    return `${this.context.authorityHost}/${tenantId}/`;
  }

  /** Answers an authority request (`isAuthorityPath` is true for its path). */
  async handle(exchange: Exchange): Promise<Reply> {
    const [, tenant = '', ...rest] = exchange.path.split('/');
    const tail = rest.join('/');
    if (tenant === adfs) return this.handleAdfs(exchange, tail);
    if (tail.endsWith('openid-configuration')) return json(200, this.discovery(tenant));
    if (tail.startsWith('discovery/') && tail.endsWith('keys'))
      return json(200, { keys: [this.context.key.jwk] });
    if (tail === 'discovery/instance') return this.instanceDiscovery();
    if (exchange.method !== 'POST') {
      return aadstsError(
        405,
        'invalid_request',
        900561,
        'The endpoint only accepts POST requests.',
        this.context.now(),
      );
    }
    return this.token(exchange, tenant);
  }

  private handleAdfs(exchange: Exchange, tail: string): Promise<Reply> | Reply {
    if (tail === '.well-known/openid-configuration') return json(200, this.adfsDiscovery());
    if (tail === 'discovery/keys') return json(200, { keys: [this.context.key.jwk] });
    if (/^oauth2\/token\/?$/.test(tail) && exchange.method === 'POST')
      return this.token(exchange, this.context.scenario.tenants[0]!.id);
    if (/^oauth2\/token\/?$/.test(tail))
      return aadstsError(
        405,
        'invalid_request',
        900561,
        'The endpoint only accepts POST requests.',
        this.context.now(),
      );
    return json(404, { error: 'not_found', error_description: `No AD FS endpoint at '${exchange.path}'.` });
  }

  /** AD FS 2016+ OpenID configuration at `/adfs/.well-known/openid-configuration` (no `/v2.0` segment). */
  private adfsDiscovery(): object {
    const base = `${this.context.authorityHost}/${adfs}`;
    return {
      issuer: base,
      authorization_endpoint: `${base}/oauth2/authorize/`,
      token_endpoint: `${base}/oauth2/token/`,
      jwks_uri: `${base}/discovery/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
      response_types_supported: [
        'code',
        'id_token',
        'code id_token',
        'id_token token',
        'code token',
        'code id_token token',
      ],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      grant_types_supported: [
        'authorization_code',
        'refresh_token',
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
      ],
      subject_types_supported: ['pairwise'],
      scopes_supported: ['openid', 'profile', 'email', 'allatclaims', 'user_impersonation'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      access_token_issuer: this.tokenIssuer(this.context.scenario.tenants[0]!.id),
      end_session_endpoint: `${base}/oauth2/logout`,
      frontchannel_logout_supported: true,
    };
  }

  private discovery(tenant: string): object {
    const base = `${this.context.authorityHost}/${tenant}`;
    const tenantForIssuer = this.knownTenant(tenant) ? tenant : '{tenantid}';
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${this.context.authorityHost}/${tenantForIssuer}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      tenant_region_scope: null,
      cloud_instance_name: 'local-cloud.azpn',
    };
  }

  private instanceDiscovery(): Reply {
    const host = new URL(this.context.authorityHost).host;
    return json(200, {
      tenant_discovery_endpoint: `${this.context.authorityHost}/{tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  }

  private knownTenant(tenant: string): boolean {
    return this.context.scenario.tenants.some((t) => t.id === tenant.toLowerCase());
  }

  private async token(exchange: Exchange, tenant: string): Promise<Reply> {
    const now = this.context.now();
    const form = new URLSearchParams(exchange.bodyText);
    const fail = (status: number, error: string, code: number, message: string) =>
      aadstsError(status, error, code, message, now, exchange.correlationId);
    if (!this.knownTenant(tenant)) {
      return fail(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      );
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return fail(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${form.get('grant_type') ?? ''}'. Only client_credentials is supported by the local cloud.`,
      );
    }
    const clientId = (form.get('client_id') ?? '').toLowerCase();
    exchange.principal = clientId;
    const principal = this.context.scenario.principals.find(
      (p) => p.clientId === clientId && p.tenantId === tenant.toLowerCase(),
    );
    if (principal === undefined) {
      return fail(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    }
    const refusal = await this.authenticateClient(form, principal, now);
    if (refusal !== undefined) return fail(refusal.status, 'invalid_client', refusal.code, refusal.message);
    const resource = this.resourceOf(form.get('scope') ?? '');
    if (resource === undefined) {
      return fail(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${(form.get('scope') ?? '').replace(/\/?\.default$/, '')} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      );
    }
    return json(200, await this.issue(principal, resource, form.has('client_assertion') ? '2' : '1', now));
  }

  private async authenticateClient(
    form: URLSearchParams,
    principal: PrincipalSpec,
    now: number,
  ): Promise<{ status: number; code: number; message: string } | undefined> {
    const secret = form.get('client_secret');
    if (secret !== null) {
      if (principal.clientSecret !== undefined && secret === principal.clientSecret) return undefined;
      return {
        status: 401,
        code: 7000215,
        message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${principal.clientId}'.`,
      };
    }
    const assertion = form.get('client_assertion');
    if (assertion !== null && form.get('client_assertion_type') === jwtBearer) {
      const refusal = await checkFederatedAssertion(
        assertion,
        principal,
        this.context.trustedIssuers(),
        this.context.resolveIssuer,
        now,
      );
      return refusal === undefined ? undefined : { status: 401, ...refusal };
    }
    return {
      status: 401,
      code: 7000218,
      message:
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    };
  }

  private resourceOf(scope: string): string | undefined {
    const resource = scope
      .split(' ')
      .find((s) => s.endsWith('/.default'))
      ?.replace(/\.default$/, '');
    if (resource === undefined) return undefined;
    const trimmed = resource.replace(/\/+$/, '');
    return this.context.resources.find((r) => r.replace(/\/+$/, '') === trimmed);
  }

  private async issue(
    principal: PrincipalSpec,
    resource: string,
    appidacr: string,
    now: number,
  ): Promise<object> {
    const lifetime = this.context.scenario.tokenLifetimeSeconds;
    const nowSeconds = Math.floor(now / 1000);
    const accessToken = await new SignJWT({
      aud: resource,
      appid: principal.clientId,
      appidacr,
      idtyp: 'app',
      oid: principal.objectId,
      tid: principal.tenantId,
      uti: randomUUID().replaceAll('-', ''),
      ver: '1.0',
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.context.key.kid, typ: 'JWT' })
      .setIssuer(this.tokenIssuer(principal.tenantId))
      .setSubject(principal.objectId)
      .setIssuedAt(nowSeconds)
      .setNotBefore(nowSeconds - 300)
      .setExpirationTime(nowSeconds + lifetime)
      .sign(this.context.key.privateKey);
    return {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
    };
  }
}
