import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { InputError } from '@azpn/core';
import { resolveCloud, resourceManagerScope, wellKnownClouds } from '../src/index.js';
import { startTestServer } from './support/server.js';
import type { Answer, TestServer } from './support/server.js';
import { makeTestTls } from './support/tls.js';
import type { TestTls } from './support/tls.js';

/** The shape of a real 2022-09-01 document (fields as `az cloud register` and Terraform read them). */
const stackHubDocument = (origin: string) => ({
  portal: 'https://portal.local.azurestack.external/',
  authentication: {
    loginEndpoint: `${origin}/login/`,
    audiences: ['https://management.azurestack.example/7d3b5f1e-0000-4000-8000-000000000001/'],
    tenant: 'common',
    identityProvider: 'AAD',
  },
  media: 'https://rest.media.azure.net',
  graphAudience: 'https://graph.windows.net/',
  graph: 'https://graph.windows.net/',
  name: 'AzureStack-User-1a2b',
  suffixes: {
    azureDataLakeStoreFileSystem: 'azuredatalakestore.net',
    acrLoginServer: 'azurecr.local.azurestack.external',
    sqlServerHostname: '.database.local.azurestack.external',
    keyVaultDns: 'vault.local.azurestack.external',
    storage: 'local.azurestack.external',
  },
  batch: 'https://batch.core.windows.net/',
  resourceManager: `${origin}/`,
  vmImageAliasDoc:
    'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json',
  sqlManagement: 'https://management.core.windows.net:8443/',
  microsoftGraphResourceId: 'https://graph.microsoft.com/',
});

let tls: TestTls;
let server: TestServer;
const answers = new Map<string, Answer>();

beforeAll(async () => {
  tls = makeTestTls();
  server = await startTestServer(tls, (req) => answers.get(req.path.split('/metadata/')[0] || '/'));
});
afterAll(async () => {
  await server.close();
  tls.remove();
});

/** Each case serves its document under its own base path on the one server. */
function serve(base: string, answer: Answer): string {
  answers.set(base, answer);
  return `${server.origin}${base}`;
}

async function inputErrorOf(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).input).toBe('cloud');
  return error as InputError;
}

describe('well-known clouds', () => {
  it('resolves the three names case-insensitively without a network call', async () => {
    const before = server.seen.length;
    expect(await resolveCloud('azurecloud')).toBe(wellKnownClouds.AzureCloud);
    expect((await resolveCloud('AzureUSGovernment')).authorityHost).toBe('https://login.microsoftonline.us');
    const china = await resolveCloud(' AzureChinaCloud ');
    expect(china.resourceManager).toBe('https://management.chinacloudapi.cn');
    expect(resourceManagerScope(china)).toBe('https://management.chinacloudapi.cn/.default');
    expect(resourceManagerScope(wellKnownClouds.AzureCloud)).toBe('https://management.azure.com/.default');
    expect(server.seen.length).toBe(before);
    expect(china.custom).toBe(false);
  });

  it('names the cloud input for empty, unknown and non-https values', async () => {
    expect((await inputErrorOf(resolveCloud('  '))).message).toMatch(/^Input cloud is empty: use AzureCloud/);
    expect((await inputErrorOf(resolveCloud('AzureGermanCloud'))).message).toMatch(
      /^Input cloud is "AzureGermanCloud", which is neither a known cloud nor a URL/,
    );
    expect((await inputErrorOf(resolveCloud('http://127.0.0.1:1/'))).message).toMatch(/not an https URL/);
  });
});

describe('a cloud described by its resource manager metadata', () => {
  it('reads authority, audience and suffixes from /metadata/endpoints?api-version=2022-09-01', async () => {
    const base = serve('/stack', { status: 200, json: stackHubDocument(`${server.origin}/stack`) });
    const cloud = await resolveCloud(`${base}/`, { ca: tls.caPem });
    const request = server.seen.at(-1);
    expect(request?.path).toBe('/stack/metadata/endpoints');
    expect(request?.url.searchParams.get('api-version')).toBe('2022-09-01');
    expect(cloud).toEqual({
      name: 'AzureStack-User-1a2b',
      resourceManager: base,
      authorityHost: `${base}/login`,
      audience: 'https://management.azurestack.example/7d3b5f1e-0000-4000-8000-000000000001',
      suffixes: {
        storage: 'local.azurestack.external',
        keyVaultDns: 'vault.local.azurestack.external',
        acrLoginServer: 'azurecr.local.azurestack.external',
        sqlServerHostname: 'database.local.azurestack.external',
      },
      custom: true,
      ca: tls.caPem,
    });
    expect(resourceManagerScope(cloud)).toBe(
      'https://management.azurestack.example/7d3b5f1e-0000-4000-8000-000000000001/.default',
    );
  });

  it('picks the entry for this resource manager when the server answers a list of clouds', async () => {
    const base = `${server.origin}/list`;
    const other = { ...stackHubDocument('https://elsewhere.example'), name: 'Other' };
    serve('/list', { status: 200, json: [other, { ...stackHubDocument(base), name: 'Mine' }] });
    const cloud = await resolveCloud(base, { ca: tls.caPem });
    expect(cloud.name).toBe('Mine');
    expect(cloud.authorityHost).toBe(`${base}/login`);
  });

  it('says what is wrong when the document is not JSON, not found, or lacks the sign-in fields', async () => {
    const html = serve('/html', { status: 200, text: '<html>portal</html>' });
    expect((await inputErrorOf(resolveCloud(html, { ca: tls.caPem }))).message).toBe(
      `Input cloud points at ${html}, but its metadata endpoint did not answer JSON: give the URL of a resource manager, not of a portal or a login page.`,
    );
    const missing = `${server.origin}/nowhere`;
    expect((await inputErrorOf(resolveCloud(missing, { ca: tls.caPem }))).message).toMatch(
      /answered HTTP 404/,
    );
    const noLogin = serve('/nologin', {
      status: 200,
      json: { name: 'x', authentication: { audiences: ['https://a/'] } },
    });
    expect((await inputErrorOf(resolveCloud(noLogin, { ca: tls.caPem }))).message).toMatch(
      /its metadata has no authentication\.loginEndpoint: /,
    );
    const noAudience = serve('/noaud', {
      status: 200,
      json: { name: 'x', authentication: { loginEndpoint: 'https://login.example/', audiences: [] } },
    });
    expect((await inputErrorOf(resolveCloud(noAudience, { ca: tls.caPem }))).message).toMatch(
      /has no authentication\.audiences/,
    );
  });

  it('says the metadata could not be fetched when nothing listens or the certificate is not trusted', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await inputErrorOf(resolveCloud(`https://127.0.0.1:${port}`));
    expect(refused.message).toMatch(/metadata could not be fetched \(.*ECONNREFUSED/);

    const base = serve('/untrusted', { status: 200, json: stackHubDocument(`${server.origin}/untrusted`) });
    const untrusted = await inputErrorOf(resolveCloud(base));
    expect(untrusted.message).toBe(
      `Input cloud points at ${base}, whose TLS certificate this runner does not trust (UNABLE_TO_VERIFY_LEAF_SIGNATURE): make the runner trust the cloud's CA (NODE_EXTRA_CA_CERTS) and re-run.`,
    );
  });
});
