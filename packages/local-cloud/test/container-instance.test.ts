import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ResourceManagementClient } from '@azure/arm-resources';
import { NetworkManagementClient } from '@azure/arm-network';
import { ContainerInstanceManagementClient, type ContainerGroup } from '@azure/arm-containerinstance';
import WebSocket from 'ws';
import { defaultScenario, startLocalCloud, trustCloudCa, type LocalCloud } from '../src/index.js';
import { cloudSdkAccess } from '../src/test-support.js';

const rg = 'rg-aci';
const poll = { updateIntervalInMs: 20 };
let local: LocalCloud;
let aci: ContainerInstanceManagementClient;
let delegated: string;
let plain: string;

const group = (subnet: string): ContainerGroup => ({
  location: 'westeurope',
  osType: 'Linux',
  restartPolicy: 'Always',
  subnetIds: [{ id: subnet }],
  ipAddress: { type: 'Private', ports: [{ port: 80, protocol: 'TCP' }] },
  containers: [
    {
      name: 'tools',
      image: 'docker.io/nicolaka/netshoot:v0.13',
      command: ['sleep', 'infinity'],
      resources: { requests: { cpu: 1, memoryInGB: 1 } },
    },
  ],
});

/** Runs one exec session: password first, then `input`; collects the output until the server closes. */
function execSession(
  uri: string,
  password: string,
  input: string,
): Promise<{ output: string; code: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(uri, { ca: local.cloud.caPem });
    let output = '';
    socket.on('open', () => {
      socket.send(password);
      if (input) socket.send(input);
    });
    socket.on('message', (data) => (output += data.toString()));
    socket.on('close', (code) => resolve({ output, code }));
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  local = await startLocalCloud({
    scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 30, tokenMs: 0 } },
  });
  trustCloudCa(local.cloud.caPem);
  const { credential, options } = cloudSdkAccess(local.cloud);
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
    'hub',
    {
      location: 'westeurope',
      addressSpace: { addressPrefixes: ['10.7.0.0/16'] },
      subnets: [
        {
          name: 'jumpbox',
          addressPrefix: '10.7.1.0/28',
          delegations: [{ name: 'aci', serviceName: 'Microsoft.ContainerInstance/containerGroups' }],
        },
        { name: 'plain', addressPrefix: '10.7.2.0/28' },
      ],
    },
    poll,
  );
  delegated = vnet.subnets!.find((s) => s.name === 'jumpbox')!.id!;
  plain = vnet.subnets!.find((s) => s.name === 'plain')!.id!;
  aci = new ContainerInstanceManagementClient(credential, local.cloud.subscriptionId, options);
});
afterAll(async () => local.stop());

describe('container groups through the unmodified SDK', () => {
  it('creates a group in a delegated subnet (long-running): Running, with a private address of the subnet', async () => {
    const created = await aci.containerGroups.beginCreateOrUpdateAndWait(rg, 'jump', group(delegated), poll);
    expect(created.provisioningState).toBe('Succeeded');
    const read = await aci.containerGroups.get(rg, 'jump');
    expect(read.instanceView?.state).toBe('Running');
    expect(read.containers[0]?.instanceView?.currentState?.state).toBe('Running');
    expect(read.ipAddress?.ip).toBe('10.7.1.4');
    const second = await aci.containerGroups.beginCreateOrUpdateAndWait(rg, 'jump-2', group(delegated), poll);
    expect(second.ipAddress?.ip).toBe('10.7.1.5');
  });

  it("takes addresses only from its own subnet: another network's subnet of the same prefix starts at .4 again", async () => {
    const { credential, options } = cloudSdkAccess(local.cloud);
    const network = new NetworkManagementClient(credential, local.cloud.subscriptionId, options);
    const twin = await network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      'twin',
      {
        location: 'westeurope',
        addressSpace: { addressPrefixes: ['10.7.0.0/16'] },
        subnets: [
          {
            name: 'jumpbox',
            addressPrefix: '10.7.1.0/28',
            delegations: [{ name: 'aci', serviceName: 'Microsoft.ContainerInstance/containerGroups' }],
          },
        ],
      },
      poll,
    );
    const created = await aci.containerGroups.beginCreateOrUpdateAndWait(
      rg,
      'twin-jump',
      group(twin.subnets![0]!.id!),
      poll,
    );
    expect(created.ipAddress?.ip).toBe('10.7.1.4');
    await aci.containerGroups.beginDeleteAndWait(rg, 'twin-jump', poll);
  });

  it('refuses a subnet that is not delegated to container groups', async () => {
    await expect(
      aci.containerGroups.beginCreateOrUpdateAndWait(rg, 'nope', group(plain), poll),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'SubnetNotDelegated',
    });
  });

  it('exec: websocket with the password first, output frames, closed by the server at exit, no exit code', async () => {
    const session = await aci.containers.executeCommand(rg, 'jump', 'tools', {
      command: '/bin/sh',
      terminalSize: { rows: 24, cols: 80 },
    });
    expect(session.webSocketUri).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\//);
    const result = await execSession(
      session.webSocketUri!,
      session.password!,
      'echo probe-$((40+2)); exit 3\n',
    );
    expect(result.output).toContain('probe-42');
    expect(result.output).not.toMatch(/\b3\b/);
    expect(result.code).toBe(1000);

    const wrong = await aci.containers.executeCommand(rg, 'jump', 'tools', { command: '/bin/sh' });
    const refused = await execSession(wrong.webSocketUri!, 'not-the-password', 'echo no\n');
    expect(refused.output).toBe('');
    expect(refused.code).toBe(4001);
  });

  it('stop refuses exec until start (long-running) brings it back', async () => {
    await aci.containerGroups.stop(rg, 'jump');
    expect((await aci.containerGroups.get(rg, 'jump')).instanceView?.state).toBe('Stopped');
    await expect(
      aci.containers.executeCommand(rg, 'jump', 'tools', { command: '/bin/sh' }),
    ).rejects.toMatchObject({
      statusCode: 409,
    });
    await aci.containerGroups.beginStartAndWait(rg, 'jump', poll);
    expect((await aci.containerGroups.get(rg, 'jump')).instanceView?.state).toBe('Running');
    const names = [];
    for await (const g of aci.containerGroups.listByResourceGroup(rg)) names.push(g.name);
    expect(names.sort()).toEqual(['jump', 'jump-2']);
  });
});
