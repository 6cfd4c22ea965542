import type { Answer, SeenRequest } from './server.js';

/** What the test Entra ID token endpoint decides for one token request. */
export type TokenDecision = { accessToken: string } | { error: string; description: string };

/**
 * Routes that play Entra ID for a tenant under `${origin()}/login`: OpenID discovery and the v2.0 token
 * endpoint, which hands the parsed form to `decide`. `origin` is read per request, as the server that serves
 * these routes only knows its port once it listens.
 */
export function entraRoutes(origin: () => string, decide: (form: URLSearchParams) => TokenDecision) {
  return (request: SeenRequest): Answer | undefined => {
    const discovery = /^\/login\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(request.path);
    if (discovery) {
      const tenant = discovery[1];
      const base = `${origin()}/login/${tenant}`;
      return {
        status: 200,
        json: {
          issuer: `${base}/v2.0`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          response_types_supported: ['code', 'id_token', 'token'],
        },
      };
    }
    if (/^\/login\/[^/]+\/oauth2\/v2\.0\/token$/.test(request.path) && request.method === 'POST') {
      const decision = decide(new URLSearchParams(request.body));
      if ('accessToken' in decision) {
        return {
          status: 200,
          json: {
            token_type: 'Bearer',
            expires_in: 3599,
            ext_expires_in: 3599,
            access_token: decision.accessToken,
          },
        };
      }
      const code = Number(/AADSTS(\d+)/.exec(decision.description)?.[1] ?? 0);
      return {
        status: 400,
        json: {
          error: decision.error,
          error_description: decision.description,
          error_codes: [code],
          timestamp: '2026-11-23 02:00:00Z',
          trace_id: '0f3a6a2e-0000-4000-8000-000000000001',
          correlation_id: '9b2c1d0e-0000-4000-8000-000000000002',
        },
      };
    }
    return undefined;
  };
}
