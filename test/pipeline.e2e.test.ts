import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAzureDevOpsTask, type AzureDevOpsTaskOptions } from '@azpn/action-host';
import {
  LocalCloudAdmin,
  startLocalCloud,
  type LocalCloud,
  azureDevOpsAgentEnvironment,
} from '@azpn/local-cloud';
import {
  deployForwarder,
  onPrem,
  probeJumpBoxes,
  publishEndpointRecord,
  root,
  type ProbeResult,
} from '../scripts/pipeline.js';

/**
 * The main job on the local cloud with the fabric (root): the forwarder deployed by the deploy action, the seed's
 * record published by endpoint-dns, and the jump-box probes, as `npm start` runs them on a GitHub runner; then the
 * same verification as an Azure DevOps pipeline runs it (endpoint-dns task, probe task, companion stop task with
 * `condition: always()`), starting the stopped jump boxes again. Real packets carry every probe.
 */
let local: LocalCloud;
let admin: LocalCloudAdmin;
let stateDir: string;
let outputs: Record<string, string>;

function adoTask(
  action: string,
  inputs: Record<string, string>,
): Promise<Awaited<ReturnType<typeof runAzureDevOpsTask>>> {
  const agent = azureDevOpsAgentEnvironment(local.cloud);
  const options: AzureDevOpsTaskOptions = {
    taskDir: join(root, 'actions', action),
    inputs: { azureSubscription: agent.connectionId, cloud: local.cloud.resourceManager, ...inputs },
    endpoints: agent.endpoints,
    variables: agent.variables,
    secretVariables: agent.secretVariables,
    timeoutMs: 150_000,
  };
  return runAzureDevOpsTask(options);
}

async function state(id: string): Promise<string | undefined> {
  const group = (await admin.getResource(id)) as { properties?: { instanceView?: { state?: string } } };
  return group.properties?.instanceView?.state;
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-pipeline-e2e-'));
  local = await startLocalCloud({ stateDir, fabric: { onPrem: [onPrem] } });
  admin = new LocalCloudAdmin(local.cloud);
  await admin.setLatencies({ readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 });
});

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('the main job with the fabric', () => {
  it('on a GitHub runner: deploy, endpoint-dns, then the seed check and the hub checks pass and the boxes stop', async () => {
    outputs = await deployForwarder(local);
    const published = await publishEndpointRecord(local, outputs);
    expect(published.changed).toBe('true');
    expect(published.ips).toBe(outputs.privateEndpointIp);
    const fqdn = published.fqdns!.replace(/\.$/, '');
    expect(fqdn).toBe('onprem-server.internal.net');
    const probed = await probeJumpBoxes(local, outputs, fqdn);
    expect(probed.results.map((r: ProbeResult) => [r.name, r.passed])).toEqual([
      ['seed check - on-prem through the forwarder', true],
      ['endpoint record', true],
      ['the load balancer frontend from the hub', true],
      ['onprem-a directly from the hub', true],
      ['onprem-b directly from the hub', true],
    ]);
    expect(Object.keys(probed.billable).sort()).toEqual(
      [outputs.hubJumpboxName!, outputs.spokeJumpboxName!].sort(),
    );
    expect(await state(outputs.spokeJumpboxId!)).toBe('Stopped');
    expect(await state(outputs.hubJumpboxId!)).toBe('Stopped');
  });

  it('on an Azure DevOps agent: endpoint-dns task, probe task starting the stopped boxes, companion stop', async () => {
    const dns = await adoTask('endpoint-dns', {
      privateEndpoint: outputs.privateEndpointId!,
      zone: outputs.dnsZoneId!,
      recordNames: 'onprem-ado',
      ttl: '10',
    });
    expect(dns.errors).toEqual([]);
    expect(dns.outputs.ips?.value).toBe(outputs.privateEndpointIp);
    const probes = [
      `- name: seed check by the ADO name`,
      `  jump-box: ${outputs.spokeJumpboxName}`,
      `  http: http://onprem-ado.internal.net:8000`,
      `  body: hello from onprem`,
      `- name: on-prem from the hub`,
      `  jump-box: ${outputs.hubJumpboxName}`,
      `  tcp: ${onPrem.servers[1]!.ip}:8000`,
    ].join('\n');
    const probe = await adoTask('jumpbox-probe', {
      resourceGroup: 'rg-forwarder',
      jumpBoxes: `${outputs.spokeJumpboxName}\n${outputs.hubJumpboxName}`,
      probes,
      retryFor: '60',
      retryDelay: '1',
    });
    expect(probe.errors).toEqual([]);
    expect(probe.result).toBe('Succeeded');
    expect(probe.log).toContain(`Starting ${outputs.spokeJumpboxName}`);
    const billable = JSON.parse(probe.outputs.billableSeconds!.value) as Record<string, number>;
    expect(Object.keys(billable).sort()).toEqual([outputs.hubJumpboxName!, outputs.spokeJumpboxName!].sort());
    for (const seconds of Object.values(billable)) expect(seconds).toBeGreaterThan(0);
    // The companion, as the example pipeline runs it with condition: always(): nothing is left to stop.
    const stop = await adoTask('jumpbox-probe', {
      mode: 'stop',
      resourceGroup: 'rg-forwarder',
      jumpBoxes: `${outputs.spokeJumpboxName}\n${outputs.hubJumpboxName}`,
      startedGroups: probe.outputs.startedGroups?.value ?? '',
    });
    expect(stop.errors).toEqual([]);
    expect(stop.result).toBe('Succeeded');
    expect(await state(outputs.spokeJumpboxId!)).toBe('Stopped');
    expect(await state(outputs.hubJumpboxId!)).toBe('Stopped');
  });
});
