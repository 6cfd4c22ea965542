import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { readFileSync } from 'node:fs';
import {
  azpnVersion,
  createArmConnection,
  describeAzureError,
  failedDeploymentOperations,
  pollWithProgress,
  resourceManagerScope,
} from '../src/index.js';
import type { CloudDefinition } from '../src/index.js';
import { containerInstancesClient } from '../src/clients/container-instances.js';
import { deploymentsClient } from '../src/clients/deployments.js';
import { networkClient } from '../src/clients/network.js';
import { privateDnsClient } from '../src/clients/private-dns.js';
import { resourcesClient } from '../src/clients/resources.js';
import { recordingLogger, startTestServer } from './support/server.js';
import type { Answer, SeenRequest, TestServer } from './support/server.js';
import { makeTestTls } from './support/tls.js';
import type { TestTls } from './support/tls.js';

const subscription = '00000000-0000-0000-0000-0000000000aa';
const rgPath = `/subscriptions/${subscription}/resourcegroups`;
const deploymentPath = `/subscriptions/${subscription}/resourceGroups/rg-net/providers/Microsoft.Resources/deployments/fwd`;

/** A TokenCredential that hands out a fixed token and records the scopes it was asked for. */
function recordingCredential(): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    async getToken(requested: string | string[]): Promise<AccessToken> {
      scopes.push(...(Array.isArray(requested) ? requested : [requested]));
      return { token: 'test-access-token', expiresOnTimestamp: Date.now() + 3600_000 };
    },
  };
}

let tls: TestTls;
let server: TestServer;
let cloud: CloudDefinition;
/** Per-test routing: each test sets what the ARM server answers. */
let route: (request: SeenRequest) => Answer | undefined = () => undefined;

beforeAll(async () => {
  tls = makeTestTls();
  server = await startTestServer(tls, (request) => route(request));
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

describe('createArmConnection', () => {
  it('points every client at the cloud with its audience and the azpn user agent', async () => {
    const credential = recordingCredential();
    const clients = createArmConnection(cloud, credential, subscription, { log: recordingLogger() });
    route = (r) => ({
      status: 200,
      json: { id: r.path, name: r.path.split('/').pop(), location: 'westeurope', properties: {} },
    });
    const group = await clients.client(resourcesClient).resourceGroups.get('rg-net');
    await clients.client(networkClient).virtualNetworks.get('rg-net', 'hub');
    await clients.client(privateDnsClient).privateZones.get('rg-net', 'privatelink.blob.core.windows.net');
    await clients.client(containerInstancesClient).containerGroups.get('rg-net', 'jump');
    await clients.client(deploymentsClient).deployments.get('rg-net', 'fwd');
    expect(group.name).toBe('rg-net');
    const paths = server.seen.slice(-5).map((r) => r.path.toLowerCase());
    expect(paths).toEqual([
      `${rgPath}/rg-net`,
      `/subscriptions/${subscription}/resourcegroups/rg-net/providers/microsoft.network/virtualnetworks/hub`,
      `/subscriptions/${subscription}/resourcegroups/rg-net/providers/microsoft.network/privatednszones/privatelink.blob.core.windows.net`,
      `/subscriptions/${subscription}/resourcegroups/rg-net/providers/microsoft.containerinstance/containergroups/jump`,
      deploymentPath.toLowerCase(),
    ]);
    for (const request of server.seen.slice(-5)) {
      expect(request.headers['authorization']).toBe('Bearer test-access-token');
      expect(request.headers['user-agent']).toMatch(/^azpn\/0\.1\.0 azsdk-js-arm-/);
    }
    expect(new Set(credential.scopes)).toEqual(new Set([resourceManagerScope(cloud)]));
  });

  it('keeps the version in the user agent equal to package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(azpnVersion).toBe(pkg.version);
  });

  it('turns an ARM error into a sentence with the correlation id, logging bodies only at debug', async () => {
    const log = recordingLogger();
    const clients = createArmConnection(cloud, recordingCredential(), subscription, { log });
    route = () => ({
      status: 403,
      headers: { 'x-ms-correlation-request-id': '2d4f6a8c-1111-4222-8333-944455556666' },
      json: {
        error: {
          code: 'AuthorizationFailed',
          message: `The client 'abc' with object id 'abc' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/write' over scope '/subscriptions/${subscription}/resourcegroups/rg-new' or the scope is invalid.`,
        },
      },
    });
    const error = await clients
      .client(resourcesClient)
      .resourceGroups.createOrUpdate('rg-new', { location: 'westeurope', tags: { owner: 'net-team-marker' } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const d = describeAzureError(error);
    expect(d.code).toBe('AuthorizationFailed');
    expect(d.correlationId).toBe('2d4f6a8c-1111-4222-8333-944455556666');
    expect(d.sentence).toMatch(
      /^The signed-in identity is not allowed to perform Microsoft.Resources\/subscriptions\/resourcegroups\/write on /,
    );
    expect(clients.lastResponse()).toMatchObject({
      method: 'PUT',
      status: 403,
      correlationId: '2d4f6a8c-1111-4222-8333-944455556666',
    });
    // The response body (ARM's error) is kept at debug; the request body, which can carry parameters, never.
    const debug = log.lines.filter((l) => l.level === 'debug').map((l) => l.message);
    expect(debug.some((m) => m.startsWith('response body: ') && m.includes('AuthorizationFailed'))).toBe(
      true,
    );
    expect(log.lines.some((l) => l.message.includes('net-team-marker'))).toBe(false);
    expect(clients.lastResponse()?.errorBody).toContain('AuthorizationFailed');
  });

  it('names the host whose certificate is not trusted when the cloud carries no CA', async () => {
    const { ca: _ca, ...untrusting } = cloud;
    const clients = createArmConnection(untrusting, recordingCredential(), subscription, {
      log: recordingLogger(),
    });
    const error = await clients
      .client(resourcesClient)
      .resourceGroups.get('rg-net')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const d = describeAzureError(error);
    expect(d.sentence).toBe(
      `The TLS certificate of ${new URL(server.origin).host} is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE): make the runner trust the cloud's CA (NODE_EXTRA_CA_CERTS) or check for an intercepting proxy.`,
    );
  });

  it('honours Retry-After on a 429 and then succeeds', async () => {
    const log = recordingLogger();
    const clients = createArmConnection(cloud, recordingCredential(), subscription, { log });
    let calls = 0;
    route = () =>
      ++calls === 1
        ? {
            status: 429,
            headers: { 'retry-after': '1' },
            json: { error: { code: 'SubscriptionRequestsThrottled', message: 'slow down' } },
          }
        : { status: 200, json: { id: `${rgPath}/rg-net`, name: 'rg-net', location: 'westeurope' } };
    const group = await clients.client(resourcesClient).resourceGroups.get('rg-net');
    expect(group.name).toBe('rg-net');
    const [first, second] = server.seen.slice(-2);
    expect(calls).toBe(2);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(log.lines).toContainEqual({
      level: 'info',
      message: 'Azure Resource Manager is throttling requests; retrying after 1s as it asks.',
    });
  });
});

describe('long-running deployments and their operations', () => {
  it('logs progress lines with elapsed platform time while a deployment runs', async () => {
    const log = recordingLogger();
    const clients = createArmConnection(cloud, recordingCredential(), subscription, { log });
    const statuses = ['Running', 'Running', 'Succeeded'];
    route = (r) => {
      if (r.method === 'PUT') {
        return {
          status: 201,
          headers: {
            'azure-asyncoperation': `${server.origin}/operationStatuses/op1?api-version=2026-06-01`,
          },
          json: { id: deploymentPath, name: 'fwd', properties: { provisioningState: 'Accepted' } },
        };
      }
      if (r.path === '/operationStatuses/op1')
        return { status: 200, json: { status: statuses.shift() ?? 'Succeeded' } };
      return {
        status: 200,
        json: {
          id: deploymentPath,
          name: 'fwd',
          properties: {
            provisioningState: 'Succeeded',
            outputs: { ip: { type: 'String', value: '10.0.0.4' } },
          },
        },
      };
    };
    let clock = 0;
    const platform = { log, now: () => (clock += 12_000) };
    const poller = clients
      .client(deploymentsClient)
      .deployments.createOrUpdate(
        'rg-net',
        'fwd',
        { properties: { mode: 'Incremental', template: {} } },
        { updateIntervalInMs: 5 },
      );
    const result = await pollWithProgress(poller, 'deployment fwd', platform, 30_000);
    expect(result.properties?.outputs).toEqual({ ip: { type: 'String', value: '10.0.0.4' } });
    const progress = log.lines.filter((l) => l.level === 'info').map((l) => l.message);
    expect(progress[0]).toMatch(/^\[\d+\.\ds\] deployment fwd: started$/);
    expect(progress.at(-1)).toMatch(/deployment fwd: done$/);
    expect(progress.some((m) => /deployment fwd: running$/.test(m))).toBe(true);
    expect(server.seen.filter((r) => r.path === '/operationStatuses/op1').length).toBe(3);
  });

  it('spaces status reads out with a backoff when asked, and still answers the result', async () => {
    const log = recordingLogger();
    const clients = createArmConnection(cloud, recordingCredential(), subscription, { log });
    const statuses = ['Running', 'Running', 'Running', 'Running', 'Succeeded'];
    route = (r) => {
      if (r.method === 'PUT') {
        return {
          status: 201,
          headers: {
            'azure-asyncoperation': `${server.origin}/operationStatuses/op3?api-version=2026-06-01`,
          },
          json: { id: deploymentPath, name: 'fwd', properties: { provisioningState: 'Accepted' } },
        };
      }
      if (r.path === '/operationStatuses/op3') return { status: 200, json: { status: statuses.shift()! } };
      return {
        status: 200,
        json: {
          id: deploymentPath,
          name: 'fwd',
          properties: { provisioningState: 'Succeeded', outputs: {} },
        },
      };
    };
    const poller = clients
      .client(deploymentsClient)
      .deployments.createOrUpdate(
        'rg-net',
        'fwd',
        { properties: { mode: 'Incremental', template: {} } },
        { updateIntervalInMs: 5 },
      );
    const started = server.seen.length;
    const result = await pollWithProgress(poller, 'deployment fwd', { log, now: () => 0 }, 30_000, {
      firstMs: 40,
      factor: 2,
      maxMs: 160,
    });
    expect(result.properties?.provisioningState).toBe('Succeeded');
    const seen = server.seen.slice(started);
    const reads = seen.filter((r) => r.path === '/operationStatuses/op3');
    expect(reads).toHaveLength(5);
    // Each wait is at least the backoff's (the SDK's own 5 ms interval would read far sooner); timers can be late,
    // never early by more than a millisecond.
    const put = seen.find((r) => r.method === 'PUT')!;
    const gaps = reads.map((r, i) => r.at - (i === 0 ? put.at : reads[i - 1]!.at));
    [40, 80, 160, 160, 160].forEach((wait, i) => expect(gaps[i]).toBeGreaterThanOrEqual(wait - 2));
  });

  it("reads a failed deployment from the poller error, with the last poll's correlation id", async () => {
    const log = recordingLogger();
    const clients = createArmConnection(cloud, recordingCredential(), subscription, { log });
    const correlation = { 'x-ms-correlation-request-id': '0e1d2c3b-4a59-4687-9a0b-c1d2e3f40516' };
    route = (r) => {
      if (r.method === 'PUT') {
        return {
          status: 201,
          headers: {
            ...correlation,
            'azure-asyncoperation': `${server.origin}/operationStatuses/op2?api-version=2026-06-01`,
          },
          json: { id: deploymentPath, name: 'fwd', properties: { provisioningState: 'Accepted' } },
        };
      }
      return {
        status: 200,
        headers: correlation,
        json: {
          status: 'Failed',
          error: {
            code: 'DeploymentFailed',
            message:
              'At least one resource deployment operation failed. Please list deployment operations for details.',
            details: [
              {
                code: 'Conflict',
                message: JSON.stringify({
                  error: { code: 'SubnetIsFull', message: 'Subnet snet-fwd has no free addresses.' },
                }),
              },
            ],
          },
        },
      };
    };
    let clock = 0;
    const poller = clients
      .client(deploymentsClient)
      .deployments.createOrUpdate(
        'rg-net',
        'fwd',
        { properties: { mode: 'Incremental', template: {} } },
        { updateIntervalInMs: 5 },
      );
    const error = await pollWithProgress(poller, 'deployment fwd', { log, now: () => (clock += 1000) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(log.lines.at(-1)?.message).toMatch(/deployment fwd: failed$/);
    const d = describeAzureError(error, { correlationId: clients.lastResponse()?.correlationId });
    // core-lro keeps only the top error of a failed operation: the causes come from the deployment operations.
    expect(d.code).toBe('DeploymentFailed');
    expect(d.sentence).toBe(
      'The deployment failed (At least one resource deployment operation failed. Please list deployment operations for details): see the failing deployment operations for the resource that caused it.',
    );
    expect(d.correlationId).toBe('0e1d2c3b-4a59-4687-9a0b-c1d2e3f40516');
  });

  it('lists the failed operations across pages with the provider error opened', async () => {
    const clients = createArmConnection(cloud, recordingCredential(), subscription, {
      log: recordingLogger(),
    });
    // The SDK lists operations on ARM's older path, without providers/Microsoft.Resources.
    const operations = `/subscriptions/${subscription}/resourcegroups/rg-net/deployments/fwd/operations`;
    const op = (id: string, state: string, extra: object = {}) => ({
      id: `${operations}/${id}`,
      operationId: id,
      properties: { provisioningState: state, ...extra },
    });
    route = (r) => {
      if (r.path.toLowerCase() !== operations) return undefined;
      if (r.url.searchParams.get('page') === '2') {
        return {
          status: 200,
          json: {
            value: [
              op('B2', 'Failed', {
                statusCode: 'BadRequest',
                statusMessage: {
                  status: 'Failed',
                  error: {
                    code: 'BadRequest',
                    message: JSON.stringify({
                      error: {
                        code: 'InvalidPrivateLinkServiceIpConfiguration',
                        message: 'The frontend IP configuration is not on a Standard internal load balancer.',
                      },
                    }),
                  },
                },
                targetResource: {
                  id: `${deploymentPath}/../pls-fwd`,
                  resourceType: 'Microsoft.Network/privateLinkServices',
                  resourceName: 'pls-fwd',
                },
              }),
            ],
          },
        };
      }
      return {
        status: 200,
        json: {
          value: [op('A1', 'Succeeded'), op('A2', 'Running')],
          nextLink: `${server.origin}${operations}?api-version=2026-06-01&page=2`,
        },
      };
    };
    const failed = await failedDeploymentOperations(clients.client(deploymentsClient), 'rg-net', 'fwd');
    expect(failed).toEqual([
      {
        operationId: 'B2',
        resourceId: `${deploymentPath}/../pls-fwd`,
        resourceType: 'Microsoft.Network/privateLinkServices',
        resourceName: 'pls-fwd',
        statusCode: 'BadRequest',
        causes: [
          {
            code: 'InvalidPrivateLinkServiceIpConfiguration',
            message: 'The frontend IP configuration is not on a Standard internal load balancer.',
          },
        ],
      },
    ]);
  });
});
