import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFileCommands, parseWorkflowCommands } from '@azpn/action-host';
import { createGitHubPlatform } from '../src/adapters/github.js';
import { proxyFor } from '../src/adapters/github-oidc.js';
import type { RunnerChannel } from '../src/adapters/github-runner.js';

/** A runner's view of one step: the files it gave the step, and every line the step wrote to stdout. */
function runnerFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'azpn-github-adapter-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STATE: join(dir, 'state') };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const lines: string[] = [];
  const channel = (env: NodeJS.ProcessEnv): RunnerChannel => ({
    env,
    write: (line) => void lines.push(line),
  });
  const read = (file: string) => parseFileCommands(readFileSync(file, 'utf8'));
  return { dir, files, lines, channel, read, commands: () => parseWorkflowCommands(lines.join('\n')) };
}

const awkward = 'line one\nline two: 100% done, or not\r\nend';

describe('the GitHub adapter speaks the runner protocol', () => {
  const exitCode = process.exitCode;
  afterEach(() => {
    process.exitCode = exitCode;
  });

  it('sets outputs and state in the runner files, whatever the value holds', () => {
    const runner = runnerFiles();
    try {
      const env = { ...runner.files };
      const platform = createGitHubPlatform(env, runner.channel(env));
      platform.outputs.set('report', awkward);
      platform.outputs.set('empty', '');
      platform.state.save('to-stop', '["a","b"]');
      expect(runner.read(runner.files.GITHUB_OUTPUT)).toEqual({ report: awkward, empty: '' });
      expect(runner.read(runner.files.GITHUB_STATE)).toEqual({ 'to-stop': '["a","b"]' });
      expect(runner.lines).toEqual([]);
    } finally {
      rmSync(runner.dir, { recursive: true, force: true });
    }
  });

  it('falls back to the set-output and save-state commands on a runner without the files', () => {
    const runner = runnerFiles();
    const platform = createGitHubPlatform({}, runner.channel({}));
    platform.outputs.set('report', awkward);
    platform.state.save('key', 'a,b:c');
    expect(runner.commands()).toEqual([
      { command: 'set-output', properties: { name: 'report' }, message: awkward },
      { command: 'save-state', properties: { name: 'key' }, message: 'a,b:c' },
    ]);
  });

  it('escapes logs, groups and masks so that the runner reads back what was meant, redacted', async () => {
    const runner = runnerFiles();
    const platform = createGitHubPlatform({}, runner.channel({}));
    platform.secrets.mask('s3cr%t');
    platform.log.warning(`two\nlines with s3cr%t`);
    await platform.log.group('a: group, 100%', async () => platform.log.debug('inside'));
    platform.result.fail('it broke: 50% of it');
    const commands = runner.commands();
    expect(commands.find((c) => c.command === 'add-mask')?.message).toBe('s3cr%t');
    expect(commands.filter((c) => c.command !== 'add-mask')).toEqual([
      { command: 'warning', properties: {}, message: 'two\nlines with ***' },
      { command: 'group', properties: {}, message: 'a: group, 100%' },
      { command: 'debug', properties: {}, message: 'inside' },
      { command: 'endgroup', properties: {}, message: '' },
      { command: 'error', properties: {}, message: 'it broke: 50% of it' },
    ]);
    expect(process.exitCode).toBe(1);
  });

  it('reads inputs as the runner names them (spaces as underscores, upper case), trimmed, empty as absent', () => {
    const env = { INPUT_RESOURCE_GROUP: '  rg-net \n', 'INPUT_CLIENT-ID': 'abc', INPUT_EMPTY: '  ' };
    const platform = createGitHubPlatform(env, runnerFiles().channel(env));
    expect(platform.inputs.read('resource group')).toBe('rg-net');
    expect(platform.inputs.read('client-id')).toBe('abc');
    expect(platform.inputs.read('empty')).toBeUndefined();
    expect(platform.inputs.read('missing')).toBeUndefined();
  });
});

describe("the GitHub adapter's ID token", () => {
  let server: Server;
  let answers: { status: number; body: unknown }[] = [];
  const seen: IncomingMessage[] = [];
  let url = '';

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request);
      const answer = answers.shift() ?? { status: 500, body: {} };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/idtoken?api-version=2.0`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  function platformFor(runner: ReturnType<typeof runnerFiles>, extra: NodeJS.ProcessEnv = {}) {
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
      ...extra,
    };
    return createGitHubPlatform(env, runner.channel(env));
  }

  it('asks the runner for the audience with the request token, and masks the token it gets', async () => {
    const runner = runnerFiles();
    answers = [{ status: 200, body: { count: 1, value: 'header.payload.signature' } }];
    const token = await platformFor(runner).identity.githubIdToken?.('api://AzureADTokenExchange');
    expect(token).toBe('header.payload.signature');
    const request = seen.at(-1)!;
    const asked = new URL(request.url ?? '', 'http://x');
    expect(asked.searchParams.get('api-version')).toBe('2.0');
    expect(asked.searchParams.get('audience')).toBe('api://AzureADTokenExchange');
    expect(request.headers.authorization).toBe('Bearer request-token');
    expect(runner.commands()).toContainEqual({
      command: 'add-mask',
      properties: {},
      message: 'header.payload.signature',
    });
  });

  it('tries again when the service is briefly unavailable, and not when the job may not have a token', async () => {
    answers = [
      { status: 503, body: {} },
      { status: 502, body: {} },
      { status: 200, body: { value: 'second-try' } },
    ];
    await expect(platformFor(runnerFiles()).identity.githubIdToken?.('aud')).resolves.toBe('second-try');
    answers = [{ status: 403, body: { message: 'no' } }];
    const before = seen.length;
    await expect(platformFor(runnerFiles()).identity.githubIdToken?.('aud')).rejects.toThrow(
      'The runner gave no ID token (HTTP 403): check that the job has `permissions: id-token: write`.',
    );
    expect(seen.length - before).toBe(1);
  });

  it('offers no token where the job has no request URL', () => {
    expect(createGitHubPlatform({}, runnerFiles().channel({})).identity.githubIdToken).toBeUndefined();
  });
});

describe('the proxy an ID token request takes', () => {
  const target = new URL('https://pipelines.actions.githubusercontent.com/abc/idtoken');

  it.each([
    [{ https_proxy: 'http://proxy:3128' }, 'http://proxy:3128/'],
    [{ HTTPS_PROXY: 'proxy.corp:8080' }, 'http://proxy.corp:8080/'],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'example.com, .githubusercontent.com' }, undefined],
    [
      { HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'pipelines.actions.githubusercontent.com:443' },
      undefined,
    ],
    [
      { HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'pipelines.actions.githubusercontent.com:8443' },
      'http://proxy:3128/',
    ],
    [{ HTTPS_PROXY: 'http://proxy:3128', no_proxy: '*' }, undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'github.com' }, 'http://proxy:3128/'],
    [{ HTTP_PROXY: 'http://proxy:3128' }, undefined],
  ])('with %j goes through %s', (env, proxy) => {
    expect(proxyFor(target, env)?.href).toBe(proxy);
  });

  it('never proxies loopback', () => {
    const env = { HTTPS_PROXY: 'http://proxy:3128' };
    expect(proxyFor(new URL('https://127.0.0.1:8443/x'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://localhost/x'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://[::1]/x'), env)).toBeUndefined();
  });
});

describe('an ID token request behind a proxy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'azpn-github-proxy-'));
  const trusted = tls.getCACertificates('default');
  let issuer: HttpsServer;
  let proxy: Server;
  const tunnels: { target: string; authorization?: string }[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // A certificate for a name that is not loopback, so that the request is not exempt from the proxy.
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=idtoken.test'],
        ...['-addext', 'subjectAltName=DNS:idtoken.test', '-keyout', 'key.pem', '-out', 'cert.pem'],
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    tls.setDefaultCACertificates([...trusted, cert]);
    issuer = createHttpsServer({ cert, key: readFileSync(join(dir, 'key.pem')) }, (request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          value: `token-for-${new URL(request.url ?? '', 'https://x').searchParams.get('audience')}`,
        }),
      );
    });
    await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
    const issuerPort = (issuer.address() as AddressInfo).port;
    // The proxy tunnels every CONNECT to the issuer, whatever host it names, and records what it was asked.
    proxy = createServer();
    proxy.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push({ target: request.url ?? '', authorization: request.headers['proxy-authorization'] });
      sockets.push(client);
      const upstream = connect(issuerPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      sockets.push(upstream);
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    tls.setDefaultCACertificates(trusted);
    for (const socket of sockets) socket.destroy();
    issuer.closeAllConnections();
    await new Promise((resolve) => issuer.close(resolve));
    await new Promise((resolve) => proxy.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("goes through the runner's proxy, with its credentials, to the issuer it names", async () => {
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://idtoken.test/idtoken?api-version=2.0',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
      HTTPS_PROXY: `http://runner:p%40ss@127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    };
    const platform = createGitHubPlatform(env, runnerFiles().channel(env));
    await expect(platform.identity.githubIdToken?.('api://AzureADTokenExchange')).resolves.toBe(
      'token-for-api://AzureADTokenExchange',
    );
    expect(tunnels).toEqual([
      { target: 'idtoken.test:443', authorization: `Basic ${Buffer.from('runner:p@ss').toString('base64')}` },
    ]);
  });
});
