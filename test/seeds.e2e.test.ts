import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGitHubStep, type GitHubStepResult } from '@azpn/action-host';
import {
  defaultIds,
  githubRunnerEnvironment,
  LocalCloudAdmin,
  startLocalCloud,
  type LocalCloud,
  type OnPremSite,
} from '@azpn/local-cloud';
import { root } from '../scripts/pipeline.js';
import { issueServerCertificate, type ServerCertificate } from './seeds/test-certificates.js';

/**
 * Seeds 002 and 003 as their final checks, on one forwarder deployed by the deploy action into the fabric (root):
 * - 003: an internal HTTPS service with its own name and certificate (from a test CA), reached over TCP 443 from the
 *   spoke, a VNet not peered with the hub, through the private endpoint and the forwarder; endpoint-dns publishes
 *   the name, and curl on the spoke jump box validates the certificate end to end.
 * - 002: the forwarder's source allow-list lets an allowed range through and refuses any other, shown from two
 *   on-prem sources; and what the backend sees behind Private Link is the Private Link Service's NAT address.
 */
const root_ = process.getuid?.() === 0;
const resourceGroup = 'rg-seeds';
const hostname = 'secure-api.internal.net';
const reply = 'hello over tls from the internal api';
const allowedRange = '172.31.43.0/24';

let local: LocalCloud;
let admin: LocalCloudAdmin;
let stateDir: string;
let certificate: ServerCertificate;
let outputs: Record<string, string>;

/** The internal service and two partner networks, all on-prem behind the hub; the partners only call out. */
function onPremSites(tls: ServerCertificate): OnPremSite[] {
  return [
    {
      attachTo: 'vnet-hub-seeds',
      prefixes: ['172.31.42.0/24', allowedRange, '172.31.44.0/24'],
      servers: [
        {
          name: 'internal-api',
          ip: '172.31.42.70',
          https: [{ port: 443, reply, certPem: tls.certPem, keyPem: tls.keyPem }],
        },
        { name: 'partner-allowed', ip: '172.31.43.10' },
        { name: 'partner-other', ip: '172.31.44.10' },
      ],
    },
  ];
}

function resourceGroupId(): string {
  return `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${resourceGroup}`;
}

function step(action: string, inputs: Record<string, string>, stage: 'main' | 'post' = 'main') {
  return {
    actionDir: join(root, 'actions', action),
    stage,
    inputs: {
      cloud: local.cloud.resourceManager,
      'tenant-id': local.cloud.tenantId,
      'client-id': defaultIds.deployerClientId,
      'subscription-id': local.cloud.subscriptionId,
      ...inputs,
    },
    env: {
      ...githubRunnerEnvironment(local.cloud),
      PATH: `${join(root, 'tools', 'bicep')}:${process.env.PATH ?? ''}`,
    },
    timeoutMs: 240_000,
  };
}

function succeeded(result: GitHubStepResult, what: string): GitHubStepResult {
  if (result.failed) throw new Error(`${what} failed: ${result.errors.join(' ')}\n${result.log}`);
  return result;
}

/** curl from an on-prem source to the load balancer frontend, by the service's name, trusting only the test CA. */
function curlFromOnPrem(source: string): Promise<{ stdout: string; code: number }> {
  return local.fabric!.runOnPrem(source, [
    ...['curl', '-sS', '--fail', '--connect-timeout', '4', '-m', '8', '--cacert', certificate.caFile],
    ...['--resolve', `${hostname}:443:${outputs.ilbFrontendIp}`, `https://${hostname}/`],
  ]);
}

(root_ ? describe : describe.skip)('seeds 002 and 003 end to end in the fabric (needs root)', () => {
  beforeAll(async () => {
    certificate = await issueServerCertificate(hostname);
    stateDir = mkdtempSync(join(tmpdir(), 'azpn-seeds-e2e-'));
    local = await startLocalCloud({ stateDir, fabric: { onPrem: onPremSites(certificate) } });
    admin = new LocalCloudAdmin(local.cloud);
    await admin.setLatencies({ readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 });
    const deployed = succeeded(
      await runGitHubStep(
        step('deploy', {
          template: join(root, 'bicep', 'forwarder', 'main.bicepparam'),
          'parameter-overrides': [
            'name: seeds',
            'targets: [172.31.42.70]',
            'portMappings: [{frontendPort: 443, targetPort: 443}]',
            `allowedSources: [${allowedRange}]`,
            'recordName: forwarder',
            'instanceCount: 1',
          ].join('\n'),
          'resource-group': resourceGroup,
          location: 'westeurope',
          'deployment-name': 'seeds',
        }),
      ),
      'deploy',
    );
    outputs = deployed.outputs;
  }, 300_000);

  afterAll(async () => {
    await local?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('003: from the non-peered spoke, curl https://<name> validates the internal service certificate through the forwarder', async () => {
    const dns = succeeded(
      await runGitHubStep(
        step('endpoint-dns', {
          'private-endpoint': outputs.privateEndpointId!,
          zone: outputs.dnsZoneId!,
          'record-names': 'secure-api',
          ttl: '10',
        }),
      ),
      'endpoint-dns',
    );
    expect(dns.outputs.fqdns).toBe(`${hostname}.`);
    // The jump box trusts only the test CA, written from the probe itself (as a pipeline would ship it).
    const ca = Buffer.from(certificate.caPem).toString('base64');
    const validate =
      `ca=$(mktemp) && echo ${ca} | base64 -d > "$ca" && ` +
      `curl -sS --fail -m 10 --cacert "$ca" https://${hostname}/; status=$?; rm -f "$ca"; exit $status`;
    const probes = [
      `- name: the name resolves to the private endpoint`,
      `  dns: ${hostname}`,
      `  ip: ${outputs.privateEndpointIp}`,
      `- name: seed 003 - https with the service certificate validated`,
      `  command: ${JSON.stringify(validate)}`,
    ].join('\n');
    const spoke = outputs.spokeJumpboxName!;
    const main = await runGitHubStep(
      step('jumpbox-probe', {
        'resource-group': resourceGroup,
        'jump-boxes': spoke,
        probes,
        'retry-for': '120',
        'retry-delay': '1',
        'stop-after': 'all',
      }),
    );
    await runGitHubStep({
      ...step('jumpbox-probe', { 'resource-group': resourceGroup }, 'post'),
      state: main.state,
      workDir: main.workDir,
    });
    const results = JSON.parse(main.outputs.results ?? '[]') as {
      name: string;
      passed: boolean;
      reason?: string;
    }[];
    expect(results.map((r) => [r.name, r.passed, r.passed ? '' : r.reason])).toEqual([
      ['the name resolves to the private endpoint', true, ''],
      ['seed 003 - https with the service certificate validated', true, ''],
    ]);
    expect(main.log).toContain(reply);
  });

  it('002: the allow-list lets the allowed range through and refuses any other; behind Private Link the backend sees the NAT address', async () => {
    await local.fabric!.settled();
    const allowed = await curlFromOnPrem('partner-allowed');
    expect(allowed).toEqual({ code: 0, stdout: `${reply}\n` });
    const other = await curlFromOnPrem('partner-other');
    expect(other.code).not.toBe(0);
    // The service behind the forwarder sees the forwarder's own address, whoever called through it.
    const instance = `${resourceGroupId()}/providers/Microsoft.Compute/virtualMachineScaleSets/${outputs.vmssName}/virtualMachines/0`;
    const peers = new Set(local.fabric!.peersSeenBy('internal-api').map((p) => p.peer));
    expect([...peers]).toEqual([local.fabric!.addressOf(instance)]);
    // The service itself answers that other range: only the forwarder's allow-list stands in the way.
    const direct = await local.fabric!.runOnPrem('partner-other', [
      ...['curl', '-sS', '--fail', '-m', '8', '--cacert', certificate.caFile],
      ...['--resolve', `${hostname}:443:172.31.42.70`, `https://${hostname}/`],
    ]);
    expect(direct).toEqual({ code: 0, stdout: `${reply}\n` });

    // What the forwarder, the load balancer's backend, tracked of the connections it forwarded: the spoke's came
    // from the Private Link Service's NAT address, never from the spoke jump box's own.
    const pls = await admin.getResource(outputs.plsId!);
    const [natConfig] = pls.properties.ipConfigurations as { properties: { privateIPAddress: string } }[];
    const natAddress = natConfig!.properties.privateIPAddress;
    const jumpBox = await admin.getResource(
      `${resourceGroupId()}/providers/Microsoft.ContainerInstance/containerGroups/${outputs.spokeJumpboxName}`,
    );
    const jumpBoxAddress = (jumpBox.properties.ipAddress as { ip: string }).ip;
    const tracked = await local.fabric!.run(instance, [
      'conntrack',
      '-L',
      '-p',
      'tcp',
      '--orig-port-dst',
      '443',
    ]);
    const sources = new Set([...tracked.stdout.matchAll(/^.*? src=(\S+)/gm)].map((m) => m[1]));
    expect(sources).toContain(natAddress);
    expect(sources).toContain('172.31.43.10');
    expect(sources).not.toContain(jumpBoxAddress);
  });
});
