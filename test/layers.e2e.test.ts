import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCloudAdmin, startLocalCloud, type LocalCloud } from '@azpn/local-cloud';
import { runProbes } from '../scripts/pipeline.js';
import {
  chainOf,
  deployLayers,
  internetDenials,
  jumpBoxAddress,
  layerAllows,
  layersResourceGroup,
  origins,
  layersInternet,
  probeLayers,
  proxyHops,
  proxyInstances,
} from '../scripts/layers-pipeline.js';

/**
 * The nested layers on the local cloud with the fabric (root), as the main job runs them: bicep/layers deployed by
 * the deploy action, then the seed's final check by the jumpbox-probe action from jump boxes in L2, L3 and L4, with
 * every proxy's own log showing the hops L2 -> L3 -> L4 -> origin; then a changed allow-list, redeployed, which
 * every layer takes without a reboot. One deployment serves every check. Real packets carry all of it.
 */
let local: LocalCloud;
let stateDir: string;
let outputs: Record<string, string>;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-layers-e2e-'));
  local = await startLocalCloud({ stateDir, fabric: { internet: layersInternet } });
  await new LocalCloudAdmin(local.cloud).setLatencies({
    readMs: 0,
    writeMs: 0,
    longRunningMs: 0,
    tokenMs: 0,
  });
  outputs = (await deployLayers(local)).outputs;
}, 180_000);

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('the layers deployed by the deploy action, probed by the jumpbox-probe action', () => {
  it("passes the seed's final check from L2, L3 and L4, and stops the jump boxes", async () => {
    const probed = await probeLayers(local, outputs);
    expect(probed.results.map((r) => [r.name, r.passed])).toEqual([
      ['L2 - an allowed name through the proxies above', true],
      ['L2 - a direct connection to the origin public address fails', true],
      ['L2 - DNS answers an allowed name with the L2 proxy', true],
      ['L2 - a wildcard-allowed name', true],
      ['L2 - an exact name beside its wildcard', true],
      ['L2 - a name not allowed is refused by the L2 proxy', true],
      ['L3 - an allowed name through the proxies above', true],
      ['L3 - a direct connection to the origin public address fails', true],
      ['L4 - the internet directly through the NAT gateway', true],
    ]);
    // The direct connections from L2 and L3 were stopped by each layer's NSG rule that denies Internet outbound.
    const denied = await internetDenials(local, outputs);
    expect(denied.l2).toBeGreaterThan(0);
    expect(denied.l3).toBeGreaterThan(0);
    expect(Object.keys(probed.billable).sort()).toEqual(
      [outputs.l2JumpboxName!, outputs.l3JumpboxName!, outputs.l4JumpboxName!].sort(),
    );
  }, 240_000);

  it("shows the hops L2 -> L3 -> L4 -> origin in each proxy's own log, for an exact and a wildcard name", async () => {
    const hops = await proxyHops(local, outputs);
    const l2Box = await jumpBoxAddress(local, outputs.l2JumpboxId!);
    for (const origin of [origins.allowed, origins.wildcard, origins.exact]) {
      const chain = await chainOf(local, outputs, hops, origin.name, l2Box);
      expect(chain.l2?.upstream).toBe(`${outputs.l3Frontend}:443`);
      expect(chain.l3?.upstream).toBe(`${outputs.l4Frontend}:443`);
      expect(chain.l4?.upstream).toBe(`${origin.ip}:443`);
      expect(chain.originPeer).toBe(chain.natAddress);
      expect(chain.natAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    }
    const entries = (name: string) => new Set(hops.filter((h) => h.sni === name).map((h) => h.entry));
    // The exact entry wins over the wildcard beside it; other names under the wildcard match the wildcard.
    expect(entries(origins.exact.name)).toEqual(new Set([origins.exact.name]));
    expect(entries(origins.wildcard.name)).toEqual(new Set(['*.his.arc.azure.com']));
    // The name outside the allow-list stopped at L2's proxy and went no further.
    const forbidden = hops.filter((h) => h.sni === origins.forbidden.name);
    expect(forbidden.length).toBeGreaterThan(0);
    expect(forbidden.every((h) => h.layer === 'L2' && h.refused)).toBe(true);
  });

  it('installed every proxy from the mirror, L2 and L3 through the layers above: the mirror saw only L4', async () => {
    const { natAddress } = await chainOf(local, outputs, [], origins.allowed.name, '');
    const mirrorPeers = new Set(local.fabric!.peersSeenBy('deb.debian.org').map((p) => p.peer));
    expect(mirrorPeers).toEqual(new Set([natAddress]));
    for (const layer of ['l2', 'l3', 'l4'] as const)
      for (const instance of proxyInstances(local, outputs, layer))
        expect(local.fabric!.bootLogs.get(instance.toLowerCase())).toContain('packages: unpacked nginx');
    const l2Log = local.fabric!.bootLogs.get(proxyInstances(local, outputs, 'l2')[0]!.toLowerCase())!;
    expect(l2Log).toContain('layer-proxy: layer L2: forwards allowed names to');
  });

  it('a changed allow-list, redeployed, shows in what-if and reaches every layer without a reboot', async () => {
    const bootLogsBefore = proxyInstances(local, outputs, 'l2').map((id) =>
      local.fabric!.bootLogs.get(id.toLowerCase()),
    );
    const allowList = [
      'gbl.his.arc.azure.com',
      '*.his.arc.azure.com',
      'api.contoso-plant.example',
      'deb.debian.org',
      origins.forbidden.name,
    ];
    const redeployed = await deployLayers(local, { allowList, deploymentName: 'layers-allow-list' });
    // What-if named the scale sets' userData among the changes before the deployment.
    expect(redeployed.log).toMatch(/userData/);
    const probed = await runProbes(
      local,
      layersResourceGroup,
      [outputs.l2JumpboxName!],
      [
        `- name: L2 - the newly allowed name`,
        `  jump-box: ${outputs.l2JumpboxName}`,
        `  http: https://${origins.forbidden.name}/`,
        `  body: hello from ${origins.forbidden.name}`,
      ].join('\n'),
    );
    expect(probed.results.map((r) => r.passed)).toEqual([true]);
    for (const layer of ['l2', 'l3', 'l4'] as const)
      expect(await layerAllows(local, outputs, layer, origins.forbidden.name)).toBe(true);
    // The watcher applied it in place: no instance booted again.
    expect(
      proxyInstances(local, outputs, 'l2').map((id) => local.fabric!.bootLogs.get(id.toLowerCase())),
    ).toEqual(bootLogsBefore);
  }, 240_000);
});
