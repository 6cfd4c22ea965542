import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ClientSecretCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import {
  startLocalCloud,
  trustCloudCa,
  cloudRequest,
  LocalCloudAdmin,
  type LocalCloud,
} from '../src/index.js';
import { cloudSdkAccess } from '../src/test-support.js';

let local: LocalCloud;
let admin: LocalCloudAdmin;
let client: ResourceManagementClient;
let credential: ClientSecretCredential;

beforeAll(async () => {
  local = await startLocalCloud();
  trustCloudCa(local.cloud.caPem);
  admin = new LocalCloudAdmin(local.cloud);
  const access = cloudSdkAccess(local.cloud);
  credential = access.credential;
  client = new ResourceManagementClient(credential, local.cloud.subscriptionId, {
    ...access.options,
    retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 200 },
  });
  await client.resourceGroups.createOrUpdate('rg-faults', { location: 'westeurope' });
});
afterAll(async () => local.stop());
beforeEach(async () => {
  await admin.clearFaults();
  await admin.clearCalls();
});

const groupPath = /\/resourcegroups\/rg-faults$/i;

async function statusesOfGroupReads(): Promise<(number | string)[]> {
  return (await admin.calls()).filter((c) => groupPath.test(c.path)).map((c) => c.status);
}

describe('injected faults are survived by the SDK retry policies', () => {
  it('retries a 429 after its Retry-After', async () => {
    await admin.addFault({
      method: 'GET',
      pathPattern: groupPath.source,
      status: 429,
      retryAfterSeconds: 1,
      count: 1,
    });
    expect((await client.resourceGroups.get('rg-faults')).name).toBe('rg-faults');
    expect(await statusesOfGroupReads()).toEqual([429, 200]);
  });

  it('retries 503 twice and a connection reset', async () => {
    await admin.addFault({ operation: 'read', pathPattern: groupPath.source, status: 503, count: 2 });
    await admin.addFault({ operation: 'read', pathPattern: groupPath.source, reset: true, count: 1 });
    expect((await client.resourceGroups.get('rg-faults')).name).toBe('rg-faults');
    expect(await statusesOfGroupReads()).toEqual([503, 503, 'reset', 200]);
  });

  it('keeps a long-running delete in progress for a slow-LRO fault', async () => {
    await client.resourceGroups.createOrUpdate('rg-slow', { location: 'westeurope' });
    await admin.addFault({ operation: 'longRunning', slowLongRunningMs: 1500, count: 1 });
    await client.resourceGroups.beginDeleteAndWait('rg-slow', { updateIntervalInMs: 50 });
    const polls = (await admin.calls())
      .filter((c) => c.path.includes('/operationresults/'))
      .map((c) => c.status);
    // Without the fault the operation ends at once and the first poll answers 200.
    expect(polls.filter((s) => s === 202).length).toBeGreaterThanOrEqual(1);
    expect(polls.at(-1)).toBe(200);
  });
});

describe('a failed long-running operation', () => {
  it('fails a direct network PUT with the fault error, leaves the resource Failed, and the next PUT repairs it', async () => {
    const vnetId = `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/rg-faults/providers/Microsoft.Network/virtualNetworks/vnet-fails`;
    const body = {
      location: 'westeurope',
      properties: { addressSpace: { addressPrefixes: ['10.77.0.0/16'] } },
    };
    await admin.addFault({
      method: 'PUT',
      pathPattern: 'virtualNetworks/vnet-fails$',
      failLongRunning: {
        code: 'InternalServerError',
        message: 'The network fabric could not program the VNet.',
      },
      count: 1,
    });
    await expect(
      client.resources.beginCreateOrUpdateByIdAndWait(vnetId, '2024-05-01', body, { updateIntervalInMs: 20 }),
    ).rejects.toThrow(/InternalServerError.*could not program the VNet/);
    expect((await client.resources.getById(vnetId, '2024-05-01')).properties).toMatchObject({
      provisioningState: 'Failed',
    });
    const repaired = await client.resources.beginCreateOrUpdateByIdAndWait(vnetId, '2024-05-01', body, {
      updateIntervalInMs: 20,
    });
    expect(repaired.properties).toMatchObject({ provisioningState: 'Succeeded' });
  });
});

describe('faults and latency at the token endpoint', () => {
  it('survives a 503 from the token endpoint through the identity retry policy', async () => {
    await admin.addFault({ method: 'POST', pathPattern: '/oauth2/v2\\.0/token$', status: 503, count: 1 });
    const p = local.cloud.principals[0]!;
    const fresh = new ClientSecretCredential(local.cloud.tenantId, p.clientId, p.clientSecret!, {
      authorityHost: local.cloud.authorityHost,
      disableInstanceDiscovery: true,
      retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 100 },
    });
    expect((await fresh.getToken(`${local.cloud.audience}.default`)).token).toMatch(/^ey/);
    const tokenCalls = (await admin.calls())
      .filter((c) => c.path.endsWith('/oauth2/v2.0/token'))
      .map((c) => c.status);
    expect(tokenCalls).toEqual([503, 200]);
  });

  it('delays reads by the configured read latency', async () => {
    await admin.setLatencies({ readMs: 150 });
    try {
      await client.resourceGroups.get('rg-faults');
    } finally {
      await admin.setLatencies({});
    }
    const [call] = (await admin.calls()).filter((c) => groupPath.test(c.path));
    expect(call!.latencyMs).toBeGreaterThanOrEqual(150);
  });
});

describe('the token-bucket throttle', () => {
  it('answers SubscriptionRequestsThrottled with the remaining-reads header once the bucket is empty', async () => {
    await admin.setThrottle({ reads: { capacity: 3, refillPerSecond: 1 } });
    try {
      const token = (await credential.getToken(`${local.cloud.audience}.default`)).token;
      const url = `${local.cloud.resourceManager}subscriptions/${local.cloud.subscriptionId}/resourcegroups/rg-faults?api-version=2025-04-01`;
      const answers = [];
      for (let i = 0; i < 4; i++)
        answers.push(
          await cloudRequest(local.cloud.caPem, 'GET', url, {
            headers: { authorization: `Bearer ${token}` },
          }),
        );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
      expect(answers.map((a) => a.headers['x-ms-ratelimit-remaining-subscription-reads'])).toEqual([
        '2',
        '1',
        '0',
        '0',
      ]);
      const throttled = answers[3]!;
      expect(throttled.headers['retry-after']).toBe('1');
      expect((throttled.body as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'SubscriptionRequestsThrottled',
        message: expect.stringContaining(
          `Number of 'read' requests for subscription '${local.cloud.subscriptionId}' actor`,
        ),
      });
      // The SDK waits out Retry-After and succeeds.
      expect((await client.resourceGroups.get('rg-faults')).name).toBe('rg-faults');
    } finally {
      await admin.setThrottle({});
    }
  });

  it('throttles writes from their own bucket, leaving reads untouched', async () => {
    await admin.setThrottle({ writes: { capacity: 2, refillPerSecond: 0.5 } });
    try {
      const token = (await credential.getToken(`${local.cloud.audience}.default`)).token;
      const url = `${local.cloud.resourceManager}subscriptions/${local.cloud.subscriptionId}/resourcegroups/rg-writes?api-version=2025-04-01`;
      const put = () =>
        cloudRequest(local.cloud.caPem, 'PUT', url, {
          headers: { authorization: `Bearer ${token}` },
          body: { location: 'westeurope' },
        });
      const answers = [await put(), await put(), await put()];
      expect(answers.map((a) => a.status)).toEqual([201, 200, 429]);
      expect(answers[2]!.headers['x-ms-ratelimit-remaining-subscription-writes']).toBe('0');
      expect(answers[2]!.headers['retry-after']).toBe('2');
      expect((answers[2]!.body as { error: { message: string } }).error.message).toContain(
        "Number of 'write' requests",
      );
      const read = await cloudRequest(local.cloud.caPem, 'GET', url, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(read.status).toBe(200);
    } finally {
      await admin.setThrottle({});
    }
  });

  it('records the principal and latency of each call in the call log', async () => {
    await client.resourceGroups.get('rg-faults');
    const [call] = (await admin.calls()).filter((c) => groupPath.test(c.path));
    expect(call).toMatchObject({
      method: 'GET',
      status: 200,
      principal: local.cloud.principals[0]!.objectId,
      operation: 'read',
    });
    expect(typeof call!.latencyMs).toBe('number');
  });
});
