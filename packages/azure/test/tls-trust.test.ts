import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestServer, unsignedJwt } from './support/server.js';
import type { TestServer } from './support/server.js';
import { entraRoutes } from './support/token-server.js';
import { makeTestTls } from './support/tls.js';
import type { TestTls } from './support/tls.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/sign-in-and-read.ts', import.meta.url));
const runnerToken = unsignedJwt({
  iss: 'https://token.actions.githubusercontent.com',
  sub: 'repo:contoso/net:ref:refs/heads/main',
  aud: 'api://AzureADTokenExchange',
});

let tls: TestTls;
let server: TestServer;

beforeAll(async () => {
  tls = makeTestTls();
  const origin = () => server.origin;
  const entra = entraRoutes(origin, (form) =>
    form.get('client_assertion') === runnerToken
      ? { accessToken: 'arm-token' }
      : { error: 'invalid_client', description: 'AADSTS70021: no match' },
  );
  server = await startTestServer(tls, (r) => {
    if (r.path === '/metadata/endpoints') {
      return {
        status: 200,
        json: {
          name: 'LocalTestCloud',
          resourceManager: `${origin()}/`,
          authentication: {
            loginEndpoint: `${origin()}/login/`,
            audiences: ['https://management.local.test/'],
            tenant: 'common',
            identityProvider: 'AAD',
          },
          suffixes: { storage: 'local.test' },
        },
      };
    }
    if (r.path === '/subscriptions/00000000-0000-0000-0000-0000000000cc/resourcegroups/rg-net') {
      return r.headers['authorization'] === 'Bearer arm-token'
        ? { status: 200, json: { id: r.path, name: 'rg-net', location: 'westeurope' } }
        : { status: 401, json: { error: { code: 'InvalidAuthenticationToken', message: 'bad token' } } };
    }
    return entra(r);
  });
});
afterAll(async () => {
  await server.close();
  tls.remove();
});

function runChild(extraEnv: Record<string, string>): Promise<{ ok: boolean; [key: string]: unknown }> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '/tmp',
    TEST_CLOUD_URL: server.origin,
    TEST_RUNNER_TOKEN: runnerToken,
    ...extraEnv,
  };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', child],
      { cwd: repoRoot, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout) as { ok: boolean });
        } catch {
          reject(new Error(`child failed: ${error?.message ?? ''}\n${stderr}`));
        }
      },
    );
  });
}

describe('TLS trust the way a runner has it', () => {
  it('with NODE_EXTRA_CA_CERTS, resolves the cloud by URL, signs in with GitHub OIDC and reads a resource group', async () => {
    const result = await runChild({ NODE_EXTRA_CA_CERTS: tls.caPath });
    expect(result).toEqual({
      ok: true,
      cloud: 'LocalTestCloud',
      custom: true,
      group: 'rg-net',
      location: 'westeurope',
    });
    const token = server.seen.find((r) => r.path === '/login/tenant-1/oauth2/v2.0/token');
    expect(new URLSearchParams(token?.body).get('client_assertion')).toBe(runnerToken);
  });

  it('without it, fails with the sentence about the untrusted certificate, naming the cloud input', async () => {
    const result = await runChild({});
    expect(result.ok).toBe(false);
    expect(result['failure']).toBe(
      `Input cloud points at ${server.origin}, whose TLS certificate this runner does not trust (UNABLE_TO_VERIFY_LEAF_SIGNATURE): make the runner trust the cloud's CA (NODE_EXTRA_CA_CERTS) and re-run.`,
    );
  });
});
