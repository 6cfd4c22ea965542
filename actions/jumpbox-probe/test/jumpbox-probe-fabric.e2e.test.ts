import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';
import { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import { runGitHubStep } from '@azpn/action-host';
import {
  defaultIds,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
  githubRunnerEnvironment,
} from '@azpn/local-cloud';

// With the fabric, exec runs inside the group's network namespace: the probes see the VNet, not the host.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const resourceGroup = 'rg-fabric-jump';
const root = process.getuid?.() === 0;

let local: LocalCloud;
let stateDir: string;
let aci: ContainerInstanceManagementClient;
const ips: Record<string, string> = {};

async function createGroup(name: string, subnetId: string): Promise<void> {
  const group = await aci.containerGroups.beginCreateOrUpdateAndWait(resourceGroup, name, {
    location: 'westeurope',
    osType: 'Linux',
    subnetIds: [{ id: subnetId }],
    ipAddress: { type: 'Private', ports: [{ port: 8080, protocol: 'TCP' }] },
    containers: [
      {
        name: 'shell',
        image: 'mcr.microsoft.com/azure-cli:latest',
        resources: { requests: { cpu: 1, memoryInGB: 1 } },
      },
    ],
  });
  ips[name] = group.ipAddress!.ip!;
}

(root ? describe : describe.skip)('jumpbox-probe with the fabric (network namespaces, needs root)', () => {
  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'azpn-jumpbox-fabric-'));
    local = await startLocalCloud({ stateDir, fabric: true });
    await new LocalCloudAdmin(local.cloud).setLatencies({
      readMs: 0,
      writeMs: 0,
      longRunningMs: 0,
      tokenMs: 0,
    });
    trustCloudCa(local.cloud.caPem);
    const { credential, options } = cloudSdkAccess(local.cloud);
    const subscription = local.cloud.subscriptionId;
    await new ResourceManagementClient(credential, subscription, options).resourceGroups.createOrUpdate(
      resourceGroup,
      { location: 'westeurope' },
    );
    const network = new NetworkManagementClient(credential, subscription, options);
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(resourceGroup, 'vnet-jump', {
      location: 'westeurope',
      addressSpace: { addressPrefixes: ['10.90.0.0/24'] },
      subnets: [
        {
          name: 'aci',
          addressPrefix: '10.90.0.0/26',
          delegations: [{ name: 'aci', serviceName: 'Microsoft.ContainerInstance/containerGroups' }],
        },
      ],
    });
    aci = new ContainerInstanceManagementClient(credential, subscription, options);
    await Promise.all(['jb-fabric', 'server'].map((name) => createGroup(name, vnet.subnets![0]!.id!)));
    await local.fabric!.settled();
    local.fabric!.exec(
      `${vnet.id!.split('/providers/')[0]}/providers/Microsoft.ContainerInstance/containerGroups/server`,
      ['socat', 'TCP-LISTEN:8080,fork,reuseaddr', 'SYSTEM:echo ok'],
    );
  }, 60_000);

  afterAll(async () => {
    await local?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('probes from inside the VNet: its own address, a peer group by TCP, a closed port fails', async () => {
    const probes = [
      `- name: own-address\n  command: ip -4 -o addr show | grep -F ' ${ips['jb-fabric']}/'`,
      `- name: server-port\n  tcp: ${ips.server}:8080`,
      `- name: closed-port\n  tcp: ${ips.server}:8081\n  timeout: 3`,
    ].join('\n');
    const step = await runGitHubStep({
      actionDir,
      inputs: {
        cloud: local.cloud.resourceManager,
        'tenant-id': local.cloud.tenantId,
        'client-id': defaultIds.deployerClientId,
        'subscription-id': local.cloud.subscriptionId,
        'resource-group': resourceGroup,
        'jump-boxes': 'jb-fabric',
        probes,
        // Already running (the fabric realised it before the step, see the report on its start race): stop
        // it anyway. Starting a stopped box is proven without the fabric.
        'stop-after': 'all',
      },
      env: { ...githubRunnerEnvironment(local.cloud), PATH: process.env.PATH },
      timeoutMs: 90_000,
    });
    const results = JSON.parse(step.outputs.results!) as { name: string; passed: boolean; reason: string }[];
    expect(Object.fromEntries(results.map((r) => [r.name, r.passed]))).toEqual({
      'own-address': true,
      'server-port': true,
      'closed-port': false,
    });
    expect(step.errors).toEqual([expect.stringMatching(/^1 of 3 probes failed: closed-port/)]);
    const group = await aci.containerGroups.get(resourceGroup, 'jb-fabric');
    expect(group.instanceView?.state).toBe('Stopped');
    // Billed from the container start ACI reports, since the step did not start it.
    expect(step.summary).toMatch(/\| jb-fabric \| yes \| \d+(\.\d)? \|/);
  });
});
