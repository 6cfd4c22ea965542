import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AzurePipelinesCredential, ClientAssertionCredential, ClientSecretCredential } from '@azure/identity';
import * as core from '@actions/core';
import {
  startLocalCloud,
  trustCloudCa,
  cloudRequest,
  LocalCloudAdmin,
  type LocalCloud,
} from '../src/index.js';

let local: LocalCloud;
let admin: LocalCloudAdmin;

beforeAll(async () => {
  local = await startLocalCloud();
  trustCloudCa(local.cloud.caPem);
  admin = new LocalCloudAdmin(local.cloud);
});
afterAll(async () => local.stop());

const scope = () => `${local.cloud.audience}.default`;
const options = () => ({ authorityHost: local.cloud.authorityHost, disableInstanceDiscovery: true });
const deployer = () => local.cloud.principals[0]!;

/**
 * Fetches a job's OIDC token the way a GitHub runner's action does: @actions/core over the request URL. Its
 * workflow commands (the token in `::add-mask::`) are for a runner, which hides them; here they are dropped so
 * test logs never show a token.
 */
async function gitHubToken(
  job: { requestUrl: string; requestToken: string },
  audience = 'api://AzureADTokenExchange',
) {
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = job.requestUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = job.requestToken;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    String(chunk).startsWith('::') ? true : write(chunk, ...rest)) as typeof process.stdout.write;
  try {
    return await core.getIDToken(audience);
  } finally {
    process.stdout.write = write;
  }
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

describe('metadata and discovery', () => {
  it('describes the cloud at /metadata/endpoints as Azure does', async () => {
    const { status, body } = await cloudRequest(local.cloud.caPem, 'GET', local.cloud.metadataEndpoint);
    expect(status).toBe(200);
    const [cloud] = body as {
      resourceManager: string;
      authentication: { loginEndpoint: string; audiences: string[] };
    }[];
    expect(cloud!.resourceManager).toBe(local.cloud.resourceManager);
    expect(cloud!.authentication.loginEndpoint).toBe(local.cloud.authorityHost);
    expect(cloud!.authentication.audiences[0]).toBe(local.cloud.audience);
  });

  it('answers api-version 2015-01-01 with the Azure Stack object tools like the ADO AzureRM endpoint read', async () => {
    const url = local.cloud.metadataEndpoint.replace('2022-09-01', '2015-01-01');
    const { body } = await cloudRequest(local.cloud.caPem, 'GET', url);
    expect(body).toMatchObject({
      authentication: {
        // An AD FS stamp's sign-in, as Azure Stack Hub describes it (what az cloud register learns from it).
        loginEndpoint: `${local.cloud.authorityHost}/adfs`,
        audiences: [local.cloud.audience, local.cloud.resourceManager],
      },
    });
    const missing = await cloudRequest(local.cloud.caPem, 'GET', url.replace(/\?.*$/, ''));
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'MissingApiVersionParameter' } } });
  });

  it('publishes the GitHub issuer discovery and JWKS', async () => {
    const discovery = await cloudRequest(
      local.cloud.caPem,
      'GET',
      `${local.cloud.github.issuer}/.well-known/openid-configuration`,
    );
    const { jwks_uri, issuer } = discovery.body as { jwks_uri: string; issuer: string };
    expect(issuer).toBe(local.cloud.github.issuer);
    const jwks = await cloudRequest(local.cloud.caPem, 'GET', jwks_uri);
    expect((jwks.body as { keys: { kty: string }[] }).keys[0]!.kty).toBe('RSA');
  });
});

describe('ClientSecretCredential', () => {
  it('gets an ARM token whose claims name the principal, tenant and audience', async () => {
    const credential = new ClientSecretCredential(
      local.cloud.tenantId,
      deployer().clientId,
      deployer().clientSecret!,
      options(),
    );
    const token = await credential.getToken(scope());
    const claims = claimsOf(token.token);
    expect(claims).toMatchObject({
      aud: local.cloud.audience,
      tid: local.cloud.tenantId,
      oid: deployer().objectId,
      appid: deployer().clientId,
    });
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000_000);
  });

  it('refuses an unknown tenant with AADSTS90002 and an unknown client with AADSTS700016', async () => {
    const otherTenant = new ClientSecretCredential(
      '99999999-9999-4999-8999-999999999999',
      deployer().clientId,
      'x',
      options(),
    );
    const otherClient = new ClientSecretCredential(
      local.cloud.tenantId,
      '99999999-9999-4999-8999-999999999999',
      'x',
      options(),
    );
    await expect(otherTenant.getToken(scope())).rejects.toThrow(
      /AADSTS90002: Tenant '99999999-9999-4999-8999-999999999999' not found/,
    );
    await expect(otherClient.getToken(scope())).rejects.toThrow(
      /AADSTS700016: Application with identifier '99999999-9999-4999-8999-999999999999' was not found/,
    );
  });

  it('refuses a wrong secret with AADSTS7000215', async () => {
    const credential = new ClientSecretCredential(
      local.cloud.tenantId,
      deployer().clientId,
      'wrong',
      options(),
    );
    await expect(credential.getToken(scope())).rejects.toThrow(
      /AADSTS7000215: Invalid client secret provided/,
    );
  });
});

describe('ClientAssertionCredential over the GitHub OIDC issuer', () => {
  it('exchanges a main-branch job token for an ARM token', async () => {
    const job = local.cloud.github.jobs.find((j) => j.name === 'main')!;
    const oidc = await gitHubToken(job);
    expect(claimsOf(oidc)).toMatchObject({
      sub: 'repo:azpn/infra:ref:refs/heads/main',
      aud: 'api://AzureADTokenExchange',
      iss: local.cloud.github.issuer,
    });
    const credential = new ClientAssertionCredential(
      local.cloud.tenantId,
      deployer().clientId,
      async () => oidc,
      options(),
    );
    const token = await credential.getToken(scope());
    expect(claimsOf(token.token)).toMatchObject({ oid: deployer().objectId, appidacr: '2' });
  });

  it('mints pull_request and environment subjects in GitHub formats', async () => {
    const pr = await gitHubToken(local.cloud.github.jobs.find((j) => j.name === 'pull-request')!);
    const env = await gitHubToken(local.cloud.github.jobs.find((j) => j.name === 'production')!);
    expect(claimsOf(pr).sub).toBe('repo:azpn/infra:pull_request');
    expect(claimsOf(env)).toMatchObject({
      sub: 'repo:azpn/infra:environment:production',
      environment: 'production',
    });
  });

  it('refuses a subject no federated credential names, with AADSTS700213 naming the presented and the expected subjects', async () => {
    // The default scenario's deployer trusts these GitHub subjects (audience api://AzureADTokenExchange).
    const expectedSubjects =
      "'repo:azpn/infra:ref:refs/heads/main' or 'repo:azpn/infra:pull_request' or 'repo:azpn/infra:environment:production'.";
    const oidc = await gitHubToken(local.cloud.github.jobs.find((j) => j.name === 'feature')!);
    const credential = new ClientAssertionCredential(
      local.cloud.tenantId,
      deployer().clientId,
      async () => oidc,
      options(),
    );
    const refusal = credential.getToken(scope());
    await expect(refusal).rejects.toThrow(
      "AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:azpn/infra:ref:refs/heads/feature'. Please make sure the federated identity credential Subject is " +
        expectedSubjects,
    );
  });

  it('refuses a wrong audience with AADSTS700212 and a case-only subject mismatch with AADSTS7002138', async () => {
    const wrongAudience = await gitHubToken(
      local.cloud.github.jobs.find((j) => j.name === 'main')!,
      'api://Other',
    );
    const upper = await admin.addGitHubJob({ name: 'upper', repository: 'AZPN/infra' });
    const caseOnly = await gitHubToken(upper);
    const attempt = (oidc: string) =>
      new ClientAssertionCredential(
        local.cloud.tenantId,
        deployer().clientId,
        async () => oidc,
        options(),
      ).getToken(scope());
    await expect(attempt(wrongAudience)).rejects.toThrow(/AADSTS700212: .*audience 'api:\/\/Other'/);
    await expect(attempt(caseOnly)).rejects.toThrow(
      /AADSTS7002138: .*'repo:AZPN\/infra:ref:refs\/heads\/main'. The subject matches with case-insensitive/,
    );
  });

  it('refuses an assertion that expired on the cloud clock with AADSTS700024', async () => {
    const oidc = await gitHubToken(local.cloud.github.jobs.find((j) => j.name === 'main')!);
    await admin.advanceClock(600);
    const credential = new ClientAssertionCredential(
      local.cloud.tenantId,
      deployer().clientId,
      async () => oidc,
      options(),
    );
    await expect(credential.getToken(scope())).rejects.toThrow(
      /AADSTS700024: Client assertion is not within its valid time range/,
    );
  });

  it('refuses the request token of another job', async () => {
    const [a, b] = local.cloud.github.jobs;
    const response = await cloudRequest(local.cloud.caPem, 'GET', `${a!.requestUrl}&audience=x`, {
      headers: { authorization: `Bearer ${b!.requestToken}` },
    });
    expect(response.status).toBe(401);
  });
});

describe('AzurePipelinesCredential over the Azure DevOps OIDC endpoint', () => {
  it('gets an ARM token for the service connection', async () => {
    process.env.SYSTEM_OIDCREQUESTURI = local.cloud.azureDevOps.oidcRequestUri;
    const connection = local.cloud.azureDevOps.serviceConnections[0]!;
    const credential = new AzurePipelinesCredential(
      local.cloud.tenantId,
      deployer().clientId,
      connection.id,
      local.cloud.azureDevOps.systemAccessToken,
      options(),
    );
    const token = await credential.getToken(scope());
    expect(claimsOf(token.token)).toMatchObject({ oid: deployer().objectId, aud: local.cloud.audience });
    const calls = await admin.calls();
    const oidcCall = calls.find((c) => c.path.endsWith('/oidctoken'));
    expect(oidcCall).toMatchObject({ method: 'POST', status: 200 });
  });

  it('refuses a wrong system access token', async () => {
    process.env.SYSTEM_OIDCREQUESTURI = local.cloud.azureDevOps.oidcRequestUri;
    const connection = local.cloud.azureDevOps.serviceConnections[0]!;
    const credential = new AzurePipelinesCredential(
      local.cloud.tenantId,
      deployer().clientId,
      connection.id,
      'not-the-token',
      options(),
    );
    await expect(credential.getToken(scope())).rejects.toThrow(/TF400813/);
  });
});
