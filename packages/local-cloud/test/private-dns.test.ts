import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClientSecretCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import {
  cloudRequest,
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '../src/index.js';
import { cloudSdkAccess } from '../src/test-support.js';

const rg = 'rg-dns';
const poll = { updateIntervalInMs: 20 };
let local: LocalCloud;
let dns: PrivateDnsManagementClient;
let credential: ClientSecretCredential;
let vnetId: string;

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 30, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  const access = cloudSdkAccess(local.cloud);
  credential = access.credential;
  const options = access.options;
  await new ResourceManagementClient(
    credential,
    local.cloud.subscriptionId,
    options,
  ).resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
  const vnet = await new NetworkManagementClient(
    credential,
    local.cloud.subscriptionId,
    options,
  ).virtualNetworks.beginCreateOrUpdateAndWait(
    rg,
    'spoke',
    { location: 'westeurope', addressSpace: { addressPrefixes: ['10.9.0.0/16'] } },
    poll,
  );
  vnetId = vnet.id!;
  dns = new PrivateDnsManagementClient(credential, local.cloud.subscriptionId, options);
});
afterAll(async () => local.stop());

describe('private DNS zones through the unmodified SDK', () => {
  it('creates a zone (long-running) with its SOA record set, and a virtual network link', async () => {
    const zone = await dns.privateZones.beginCreateOrUpdateAndWait(
      rg,
      'Internal.NET',
      { location: 'global' },
      poll,
    );
    expect(zone).toMatchObject({ name: 'internal.net', location: 'global', provisioningState: 'Succeeded' });
    const soa = await dns.recordSets.get(rg, 'internal.net', 'SOA', '@');
    expect(soa).toMatchObject({ fqdn: 'internal.net.', soaRecord: { host: 'azureprivatedns.net' } });
    const link = await dns.virtualNetworkLinks.beginCreateOrUpdateAndWait(
      rg,
      'internal.net',
      'spoke-link',
      { location: 'global', virtualNetwork: { id: vnetId }, registrationEnabled: false },
      poll,
    );
    expect(link).toMatchObject({ virtualNetworkLinkState: 'Completed', virtualNetwork: { id: vnetId } });
    const again = await dns.privateZones.get(rg, 'internal.net');
    expect(again).toMatchObject({ numberOfRecordSets: 1, numberOfVirtualNetworkLinks: 1 });
  });

  it('answers the zone PUT with 202 and the service polling headers', async () => {
    const token = (await credential.getToken(`${local.cloud.audience}.default`)).token;
    const put = await cloudRequest(
      local.cloud.caPem,
      'PUT',
      `${local.cloud.resourceManager}subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/privateDnsZones/raw.example?api-version=2024-06-01`,
      { headers: { authorization: `Bearer ${token}` }, body: { location: 'global' } },
    );
    expect(put.status).toBe(202);
    expect(put.headers['azure-asyncoperation']).toMatch(
      /\/resourceGroups\/rg-dns\/providers\/Microsoft\.Network\/privateDnsOperationStatuses\//,
    );
    expect(put.headers.location).toMatch(/\/privateDnsOperationResults\//);
  });

  it('record sets: created and updated synchronously, names lowercased, fqdn with a trailing dot', async () => {
    const created = await dns.recordSets.createOrUpdate(
      rg,
      'internal.net',
      'A',
      'OnPrem-Server',
      { ttl: 30, aRecords: [{ ipv4Address: '10.1.0.4' }] },
      { ifNoneMatch: '*' },
    );
    expect(created).toMatchObject({ name: 'onprem-server', fqdn: 'onprem-server.internal.net.', ttl: 30 });
    expect(created.type).toBe('Microsoft.Network/privateDnsZones/A');
    const updated = await dns.recordSets.createOrUpdate(
      rg,
      'internal.net',
      'A',
      'onprem-server',
      { ttl: 30, aRecords: [{ ipv4Address: '10.1.0.4' }, { ipv4Address: '10.1.0.5' }] },
      { ifMatch: created.etag },
    );
    expect(updated.etag).not.toBe(created.etag);
    expect(updated.aRecords).toHaveLength(2);
    const all = [];
    for await (const set of dns.recordSets.list(rg, 'internal.net')) all.push(set.name);
    expect(all.sort()).toEqual(['@', 'onprem-server']);
    const a = [];
    for await (const set of dns.recordSets.listByType(rg, 'internal.net', 'A')) a.push(set.name);
    expect(a).toEqual(['onprem-server']);
  });

  it('refuses stale etags and existing sets with 412 PreconditionFailed', async () => {
    const current = await dns.recordSets.get(rg, 'internal.net', 'A', 'onprem-server');
    await expect(
      dns.recordSets.createOrUpdate(
        rg,
        'internal.net',
        'A',
        'onprem-server',
        { ttl: 5 },
        { ifNoneMatch: '*' },
      ),
    ).rejects.toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
    await expect(
      dns.recordSets.createOrUpdate(
        rg,
        'internal.net',
        'A',
        'onprem-server',
        { ttl: 5 },
        { ifMatch: 'stale-etag' },
      ),
    ).rejects.toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
    await expect(
      dns.recordSets.delete(rg, 'internal.net', 'A', 'onprem-server', { ifMatch: 'stale-etag' }),
    ).rejects.toMatchObject({ statusCode: 412 });
    const unchanged = await dns.recordSets.get(rg, 'internal.net', 'A', 'onprem-server');
    expect(unchanged.etag).toBe(current.etag);
    await dns.recordSets.delete(rg, 'internal.net', 'A', 'onprem-server', { ifMatch: current.etag });
    await expect(dns.recordSets.get(rg, 'internal.net', 'A', 'onprem-server')).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('the call log shows the etag condition each write sent', async () => {
    const admin = new LocalCloudAdmin(local.cloud);
    await admin.clearCalls();
    const created = await dns.recordSets.createOrUpdate(
      rg,
      'internal.net',
      'A',
      'conditional',
      { ttl: 5, aRecords: [{ ipv4Address: '10.1.0.9' }] },
      { ifNoneMatch: '*' },
    );
    await expect(
      dns.recordSets.createOrUpdate(rg, 'internal.net', 'A', 'conditional', { ttl: 6 }, { ifNoneMatch: '*' }),
    ).rejects.toMatchObject({ statusCode: 412 });
    await dns.recordSets.createOrUpdate(
      rg,
      'internal.net',
      'A',
      'conditional',
      { ttl: 7 },
      { ifMatch: created.etag },
    );
    await dns.recordSets.delete(rg, 'internal.net', 'A', 'conditional');
    const writes = (await admin.calls()).filter((c) => c.method !== 'GET' && c.operation !== 'token');
    expect(writes.map((c) => [c.method, c.status, c.precondition])).toEqual([
      ['PUT', 201, 'If-None-Match: *'],
      ['PUT', 412, 'If-None-Match: *'],
      ['PUT', 200, `If-Match: ${created.etag}`],
      ['DELETE', 200, undefined],
    ]);
  });

  it('rejects a record that is not an address, and sets in a zone that does not exist', async () => {
    await expect(
      dns.recordSets.createOrUpdate(rg, 'internal.net', 'A', 'bad', {
        ttl: 5,
        aRecords: [{ ipv4Address: '10.1.0.999' }],
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      dns.recordSets.createOrUpdate(rg, 'nowhere.net', 'A', 'x', {
        ttl: 5,
        aRecords: [{ ipv4Address: '10.1.0.9' }],
      }),
    ).rejects.toMatchObject({ statusCode: 404, code: 'ParentResourceNotFound' });
  });
});
