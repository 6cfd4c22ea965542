/**
 * `npm start`: the main job on the local cloud, run the way a workflow runs it. Each step reports its time; the
 * job fails when any step or probe fails, and everything is torn down on exit and on Ctrl-C.
 *
 *   1. compile and lint every Bicep template under bicep/;
 *   2. start the local cloud with the fabric (as root) and the seed's scenario: two on-prem servers on TCP 8000;
 *   3. deploy the forwarder with the deploy action's bundle (OIDC through the cloud's GitHub issuer);
 *   4. publish the private endpoint's address as `onprem-server.internal.net` with the endpoint-dns bundle;
 *   5. probe from the jump boxes with the jumpbox-probe bundle: the seed's `curl http://onprem-server.internal.net:8000`
 *      from the spoke (through the private endpoint, the load balancer and a forwarder instance), the record,
 *      and the on-prem servers directly from the hub; then its post step, which stops the jump boxes;
 *   6. deploy the nested layers L2/L3/L4 (bicep/layers) with the deploy action;
 *   7. probe them from jump boxes in L2, L3 and L4 with jumpbox-probe (allowed, wildcard and exact names through every
 *      proxy to an origin of the simulated internet, validating its certificate; a refused name; direct connections
 *      failing; L4's own internet), then show the hops L2 -> L3 -> L4 -> origin from each proxy's own log.
 * Without root the fabric cannot run: the control-plane steps run and the probes are skipped, said in one line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatElapsed } from '@azpn/core';
import { startLocalCloud, type LocalCloud } from '@azpn/local-cloud';
import {
  chainOf,
  deployLayers,
  describeChain,
  internetDenials,
  jumpBoxAddress,
  layersInternet,
  origins,
  probeLayers,
  proxyHops,
} from './layers-pipeline.js';
import {
  deployForwarder,
  onPrem,
  probeJumpBoxes,
  publishEndpointRecord,
  runScript,
  timed,
  type StepReport,
} from './pipeline.js';

const isRoot = process.getuid?.() === 0;
const stateDir = mkdtempSync(join(tmpdir(), 'azpn-start-'));
let local: LocalCloud | undefined;
/** The cloud while it starts: a Ctrl-C then waits for it, so what it built so far is torn down too. */
let starting: Promise<LocalCloud> | undefined;
let stopping: Promise<void> | undefined;
/** Tears down once, however many times it is asked (Ctrl-C and the end of the job can race). */
const shutdown = (): Promise<void> =>
  (stopping ??= (async () => {
    const cloud = local ?? (await starting?.catch(() => undefined));
    await cloud?.stop();
    local = undefined;
    rmSync(stateDir, { recursive: true, force: true });
  })());
process.once('SIGINT', () => {
  console.log('\nInterrupted: tearing the local cloud down.');
  void shutdown().finally(() => process.kill(process.pid, 'SIGINT'));
});

const rootReason =
  'The probes need root: the fabric creates network namespaces; run npm start as root to send real traffic.';
if (!isRoot) console.log(`${rootReason} The control-plane steps run now.\n`);

const steps: StepReport[] = [];
try {
  steps.push(
    await timed('Compile and lint every Bicep template (bicep build, bicep lint)', () =>
      runScript('scripts/build-bicep.ts'),
    ),
  );
  steps.push(
    await timed(
      `Start the local cloud${isRoot ? ' with the fabric, two on-prem servers and a simulated internet' : ''}`,
      async () => {
        const fabric = { onPrem: [onPrem], internet: layersInternet };
        starting = startLocalCloud({ stateDir, ...(isRoot ? { fabric } : {}) });
        local = await starting;
        // Its namespaces are named azlc-<run id>-…: say which, while it runs.
        if (local.fabric)
          console.log(
            `fabric run ${local.fabric.names.runId}: namespaces azlc-${local.fabric.names.runId}-*`,
          );
        return `resource manager ${local.cloud.resourceManager}, subscription ${local.cloud.subscriptionId}`;
      },
    ),
  );
  const cloud = local;
  let outputs: Record<string, string> | undefined;
  if (cloud) {
    steps.push(
      await timed('Deploy the forwarder with the deploy action (GitHub runner, OIDC sign-in)', async () => {
        outputs = await deployForwarder(cloud);
        return [
          `private endpoint ${outputs.privateEndpointIp}, record ${outputs.recordFqdn}, load balancer ${outputs.ilbFrontendIp}`,
          `${outputs['arm-calls']} ARM calls; job summary in ${outputs['summary-file']}`,
        ].join('\n      ');
      }),
    );
  }
  const deployed = outputs;
  let fqdn: string | undefined;
  if (cloud && deployed) {
    steps.push(
      await timed('Publish the private endpoint as a DNS record with the endpoint-dns action', async () => {
        const published = await publishEndpointRecord(cloud, deployed);
        fqdn = (published.fqdns ?? '').split(',')[0]!.replace(/\.$/, '');
        return `${published.fqdns} -> ${published.ips} (changed: ${published.changed})`;
      }),
    );
  }
  const seedName = fqdn;
  if (cloud && deployed && seedName && isRoot) {
    steps.push(
      await timed(
        'Probe from the jump boxes with the jumpbox-probe action, then its post step stops them',
        async () => (await probeJumpBoxes(cloud, deployed, seedName)).detail,
      ),
    );
  } else if (!isRoot) {
    console.log(`\n== Probes skipped\n${rootReason}`);
    steps.push({ name: 'Probe from the jump boxes', ok: true, skipped: true, ms: 0, detail: rootReason });
  }
  let layers: Record<string, string> | undefined;
  if (cloud) {
    steps.push(
      await timed('Deploy the nested layers L2/L3/L4 with the deploy action', async () => {
        layers = (await deployLayers(cloud)).outputs;
        return `frontends L2 ${layers.l2Frontend}, L3 ${layers.l3Frontend}, L4 ${layers.l4Frontend}; allow-list ${(JSON.parse(layers.allowList ?? '[]') as string[]).join(', ')}`;
      }),
    );
  }
  const deployedLayers = layers;
  if (cloud && deployedLayers && isRoot) {
    steps.push(
      await timed(
        'Probe the layers from L2, L3 and L4 with the jumpbox-probe action, then follow the hops',
        async () => {
          const probed = await probeLayers(cloud, deployedLayers);
          return [probed.detail, ...(await layerHopLines(cloud, deployedLayers))].join('\n      ');
        },
      ),
    );
  } else if (!isRoot) {
    steps.push({ name: 'Probe the layers', ok: true, skipped: true, ms: 0, detail: rootReason });
  }
} finally {
  await shutdown();
}

/** The hops each proxy logged for the allowed and the wildcard name from L2's jump box, and where the refused name stopped. */
async function layerHopLines(cloud: LocalCloud, outputs: Record<string, string>): Promise<string[]> {
  const hops = await proxyHops(cloud, outputs);
  const box = await jumpBoxAddress(cloud, outputs.l2JumpboxId!);
  const lines: string[] = [];
  for (const origin of [origins.allowed, origins.wildcard]) {
    const chain = await chainOf(cloud, outputs, hops, origin.name, box);
    if (!chain.l2 || !chain.l3 || !chain.l4 || !chain.originPeer)
      throw new Error(
        `The hops of ${origin.name} do not chain from L2 to the origin: ${describeChain(chain, origin.name)}`,
      );
    lines.push(`hops ${describeChain(chain, origin.name)}`);
  }
  const denied = await internetDenials(cloud, outputs);
  if (denied.l2 === 0 || denied.l3 === 0)
    throw new Error(`No NSG stopped the direct connections: ${JSON.stringify(denied)}`);
  lines.push(
    `direct connections stopped by ${denied.rules[0]} (${denied.l2} packets) and ${denied.rules[1]} (${denied.l3})`,
  );
  const refused = hops.filter((h) => h.sni === origins.forbidden.name);
  if (refused.length === 0 || refused.some((h) => h.layer !== 'L2' || !h.refused))
    throw new Error(
      `${origins.forbidden.name} was not refused by L2's proxy alone: ${JSON.stringify(refused)}`,
    );
  lines.push(
    `refused ${origins.forbidden.name}: by the ${refused.map((h) => `${h.layer} proxy ${h.at}`).join(', ')}; no layer above saw it`,
  );
  return lines;
}

console.log('\n== Summary');
for (const step of steps) {
  const mark = step.skipped ? 'skip' : step.ok ? 'ok  ' : 'FAIL';
  console.log(`${mark} ${formatElapsed(step.ms).padStart(7)}  ${step.name}\n      ${step.detail}`);
}
process.exitCode = steps.every((s) => s.ok) ? 0 : 1;
