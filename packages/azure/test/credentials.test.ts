import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AzureCliCredential } from '@azure/identity';
import { InputError, UserFacingError } from '@azpn/core';
import type { IdentityTokenSource } from '@azpn/core';
import {
  chooseAutomatically,
  createCredential,
  credentialConfigFromServiceConnection,
  describeAzureError,
  resourceManagerScope,
} from '../src/index.js';
import type { CloudDefinition } from '../src/index.js';
import { startTestServer, unsignedJwt } from './support/server.js';
import type { Answer, SeenRequest, TestServer } from './support/server.js';
import { entraRoutes } from './support/token-server.js';
import type { TokenDecision } from './support/token-server.js';
import { makeTestTls } from './support/tls.js';
import type { TestTls } from './support/tls.js';

const tenantId = '72f988bf-0000-4000-8000-00000000aaaa';
const clientId = '6b9d3c1a-0000-4000-8000-00000000bbbb';
const githubIssuer = 'https://token.actions.githubusercontent.com';
const runnerToken = unsignedJwt({
  iss: githubIssuer,
  sub: 'repo:contoso/net:environment:prod',
  aud: 'api://AzureADTokenExchange',
});
const github = (token = runnerToken) => {
  const audiences: string[] = [];
  const source: IdentityTokenSource = {
    githubIdToken: async (audience) => {
      audiences.push(audience);
      return token;
    },
  };
  return { source, audiences };
};

describe('choosing a credential automatically', () => {
  const ado: IdentityTokenSource = {
    azureDevOpsAccessToken: 'system-token',
    azureDevOpsOidcRequestUri: 'https://dev.azure.com/x/oidctoken',
  };
  const ids = { tenantId, clientId, serviceConnectionId: 'sc-1' };

  it('follows the documented order: GitHub OIDC, then Azure DevOps, then the Azure CLI', () => {
    expect(chooseAutomatically({ kind: 'auto', ...ids }, { ...github().source, ...ado })).toEqual({
      kind: 'github-oidc',
      tenantId,
      clientId,
    });
    expect(chooseAutomatically({ kind: 'auto', ...ids }, ado)).toEqual({
      kind: 'azure-devops',
      tenantId,
      clientId,
      serviceConnectionId: 'sc-1',
    });
    expect(chooseAutomatically({ kind: 'auto', tenantId, clientId }, ado)).toEqual({
      kind: 'azure-cli',
      tenantId,
    });
    expect(chooseAutomatically({ kind: 'auto' }, github().source)).toEqual({ kind: 'azure-cli' });
  });

  it('lets the user override the order, and says what was tried when nothing fits', () => {
    expect(
      chooseAutomatically({ kind: 'auto', ...ids, order: ['azure-cli', 'github-oidc'] }, github().source)
        .kind,
    ).toBe('azure-cli');
    const error = (() => {
      try {
        chooseAutomatically({ kind: 'auto', ...ids, order: ['github-oidc', 'azure-devops'] }, {});
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as Error).message).toMatch(
      /^No way to sign in was found \(tried github-oidc, azure-devops\): /,
    );
  });

  it('reads a workload identity service connection, naming the input when a field is missing', () => {
    const connection = {
      id: 'sc-guid',
      scheme: 'WorkloadIdentityFederation',
      parameters: { tenantid: tenantId, serviceprincipalid: clientId },
      data: {},
    };
    expect(credentialConfigFromServiceConnection(connection, 'azureSubscription')).toEqual({
      kind: 'azure-devops',
      tenantId,
      clientId,
      serviceConnectionId: 'sc-guid',
    });
    const broken = { ...connection, parameters: { tenantid: tenantId } };
    const error = (() => {
      try {
        credentialConfigFromServiceConnection(broken, 'azureSubscription');
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error?.input).toBe('azureSubscription');
    expect(error?.message).toMatch(
      /^The service connection named by input azureSubscription has no serviceprincipalid: /,
    );
  });
});

let tls: TestTls;
let server: TestServer;
let cloud: CloudDefinition;
let decide: (form: URLSearchParams) => TokenDecision = () => ({
  error: 'invalid_request',
  description: 'AADSTS900144: unset',
});
let extraRoute: (request: SeenRequest) => Answer | undefined = () => undefined;

beforeAll(async () => {
  tls = makeTestTls();
  const entra = entraRoutes(
    () => server.origin,
    (form) => decide(form),
  );
  server = await startTestServer(tls, (r) => extraRoute(r) ?? entra(r));
  cloud = {
    name: 'test',
    resourceManager: server.origin,
    authorityHost: `${server.origin}/login`,
    audience: 'https://management.test.example',
    suffixes: {},
    custom: true,
    ca: tls.caPem,
  };
});
afterAll(async () => {
  await server.close();
  tls.remove();
});

const tokenRequests = () =>
  server.seen.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).map((r) => new URLSearchParams(r.body));

describe('signing in against a local token endpoint', () => {
  it('GitHub OIDC presents the runner token, requested for api://AzureADTokenExchange, as the client assertion', async () => {
    decide = (form) =>
      form.get('client_assertion') === runnerToken
        ? { accessToken: 'arm-token-from-github' }
        : { error: 'invalid_client', description: 'AADSTS70021: unexpected' };
    const { source, audiences } = github();
    const { kind, credential } = createCredential({ kind: 'github-oidc', tenantId, clientId }, cloud, source);
    expect(kind).toBe('github-oidc');
    const token = await credential.getToken(resourceManagerScope(cloud));
    expect(token?.token).toBe('arm-token-from-github');
    // MSAL may ask for the assertion more than once per token; each ask is for the exchange audience.
    expect(audiences.length).toBeGreaterThan(0);
    expect(new Set(audiences)).toEqual(new Set(['api://AzureADTokenExchange']));
    const form = tokenRequests().at(-1);
    expect(form?.get('client_assertion')).toBe(runnerToken);
    expect(form?.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(form?.get('client_id')).toBe(clientId);
    expect(form?.get('grant_type')).toBe('client_credentials');
    expect(form?.get('scope')).toBe('https://management.test.example/.default');
    expect(
      server.seen.some((r) => r.path === `/login/${tenantId}/v2.0/.well-known/openid-configuration`),
    ).toBe(true);
  });

  it('explains a federated subject mismatch with the subject the runner token had', async () => {
    const branchToken = unsignedJwt({
      iss: githubIssuer,
      sub: 'repo:contoso/net:ref:refs/heads/feature-x',
      aud: 'api://AzureADTokenExchange',
    });
    decide = () => ({
      error: 'invalid_client',
      description:
        "AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:contoso/net:ref:refs/heads/feature-x'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. Trace ID: 0f3a Correlation ID: 9b2c1d0e-0000-4000-8000-000000000002 Timestamp: 2026-11-23 02:00:00Z",
    });
    const { credential } = createCredential(
      { kind: 'github-oidc', tenantId, clientId },
      cloud,
      github(branchToken).source,
    );
    const error = await credential.getToken(resourceManagerScope(cloud)).then(
      () => undefined,
      (e: unknown) => e,
    );
    const d = describeAzureError(error);
    expect(d.code).toBe('AADSTS700213');
    expect(d.sentence).toBe(
      `Entra ID has no federated credential on app ${clientId} that matches the token this job presented (subject 'repo:contoso/net:ref:refs/heads/feature-x', issuer '${githubIssuer}', audience 'api://AzureADTokenExchange'): add a federated credential whose subject, issuer and audience are exactly these, or run the job from the branch, environment or service connection an existing credential names.`,
    );
    expect(d.correlationId).toBe('9b2c1d0e-0000-4000-8000-000000000002');
  });

  it('Azure DevOps asks the agent OIDC endpoint for the service connection token and presents it', async () => {
    const adoToken = unsignedJwt({
      iss: 'https://vstoken.dev.azure.com/org',
      sub: 'sc://contoso/net/arm-prod',
      aud: 'api://AzureADTokenExchange',
    });
    extraRoute = (r) =>
      r.path === '/ado/oidctoken'
        ? r.headers['authorization'] === 'Bearer system-access-token'
          ? { status: 200, json: { oidcToken: adoToken } }
          : {
              status: 401,
              json: { message: 'TF400813: The user is not authorized to access this resource.' },
            }
        : undefined;
    decide = (form) =>
      form.get('client_assertion') === adoToken
        ? { accessToken: 'arm-token-from-ado' }
        : { error: 'invalid_client', description: 'AADSTS70021: no' };
    const identity: IdentityTokenSource = {
      azureDevOpsAccessToken: 'system-access-token',
      azureDevOpsOidcRequestUri: `${server.origin}/ado/oidctoken`,
    };
    const config = { kind: 'azure-devops' as const, tenantId, clientId, serviceConnectionId: 'sc-guid' };
    const token = await createCredential(config, cloud, identity).credential.getToken(
      resourceManagerScope(cloud),
    );
    expect(token?.token).toBe('arm-token-from-ado');
    const oidc = server.seen.filter((r) => r.path === '/ado/oidctoken').at(-1);
    expect(oidc?.method).toBe('POST');
    expect(oidc?.url.searchParams.get('api-version')).toBe('7.1');
    expect(oidc?.url.searchParams.get('serviceConnectionId')).toBe('sc-guid');
    expect(oidc?.headers['x-tfs-fedauthredirect']).toBe('Suppress');

    const refused = createCredential(config, cloud, {
      ...identity,
      azureDevOpsAccessToken: 'wrong',
    }).credential;
    const error = await refused.getToken(resourceManagerScope(cloud)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as Error).message).toBe(
      'Azure DevOps refused to issue an OIDC token for the service connection (HTTP 401: TF400813: The user is not authorized to access this resource.): check that the pipeline is authorised to use the service connection and that it uses workload identity federation.',
    );
    extraRoute = () => undefined;
  });

  it('a client secret is sent as client_secret, and the CLI kind builds the Azure CLI credential', async () => {
    decide = (form) =>
      form.get('client_secret') === 's3cret'
        ? { accessToken: 'arm-token-from-secret' }
        : { error: 'invalid_client', description: 'AADSTS7000215: Invalid client secret provided.' };
    const ok = createCredential(
      { kind: 'client-secret', tenantId, clientId, clientSecret: 's3cret' },
      cloud,
      {},
    );
    expect((await ok.credential.getToken(resourceManagerScope(cloud)))?.token).toBe('arm-token-from-secret');
    const bad = createCredential(
      { kind: 'client-secret', tenantId, clientId, clientSecret: 'old' },
      cloud,
      {},
    );
    const error = await bad.credential.getToken(resourceManagerScope(cloud)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(describeAzureError(error).sentence).toMatch(
      /^The client secret of the app registration is wrong or has expired/,
    );
    expect(createCredential({ kind: 'azure-cli' }, cloud, {}).credential).toBeInstanceOf(AzureCliCredential);
  });

  it('names the unreachable authority when the token endpoint does not answer', async () => {
    const closed = await startTestServer(tls, () => undefined);
    const origin = closed.origin;
    await closed.close();
    const offline = { ...cloud, authorityHost: `${origin}/login` };
    const { credential } = createCredential(
      { kind: 'github-oidc', tenantId, clientId },
      offline,
      github().source,
    );
    const error = await credential.getToken(resourceManagerScope(offline)).then(
      () => undefined,
      (e: unknown) => e,
    );
    const d = describeAzureError(error);
    expect(d.code).toBe('endpoints_resolution_error');
    expect(d.sentence).toBe(
      `The sign-in authority ${origin}/login could not be reached or did not publish its OpenID configuration: check the cloud input and the runner's network and proxy.`,
    );
  });

  it('says what the job lacks when the platform offers no token for the chosen kind', () => {
    expect(() => createCredential({ kind: 'github-oidc', tenantId, clientId }, cloud, {})).toThrow(
      /add `permissions: id-token: write`/,
    );
    expect(() =>
      createCredential({ kind: 'azure-devops', tenantId, clientId, serviceConnectionId: 'x' }, cloud, {}),
    ).toThrow(/offered no System.AccessToken or System.OidcRequestUri/);
  });
});
