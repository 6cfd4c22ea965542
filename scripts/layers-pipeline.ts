/**
 * The layers' steps of the main job, run as a workflow runs them (the deploy and jumpbox-probe bundles in child
 * processes), and what the fabric shows of them: each proxy's own connection log, read inside its instance.
 * `npm start`, the end-to-end test and the layers benchmark run them.
 */
import { join } from 'node:path';
import { runGitHubStep } from '@azpn/action-host';
import { LocalCloudAdmin, type InternetOptions, type LocalCloud } from '@azpn/local-cloud';
import { checked, root, runProbes, workflowStep, type ProbeReport } from './pipeline.js';

export const layersResourceGroup = 'rg-layers';
/** The deployment's name suffix, short as resource names carry it. */
export const layersName = 'isa';

/** Public names of the simulated internet: allowed exactly, allowed by a wildcard, an exact name beside its wildcard, not allowed. */
export const origins = {
  allowed: { name: 'api.contoso-plant.example', ip: '198.51.100.101' },
  wildcard: { name: 'westeurope.his.arc.azure.com', ip: '198.51.100.102' },
  exact: { name: 'gbl.his.arc.azure.com', ip: '198.51.100.103' },
  forbidden: { name: 'www.example.org', ip: '198.51.100.104' },
} as const;

/** The simulated internet the layers reach: the origins above and the Debian mirror every layer installs from. */
export const layersInternet: InternetOptions = {
  hosts: Object.values(origins).map((origin) => ({ ...origin })),
  mirror: { debDir: join(root, 'tools', 'mirror') },
};

/** Where and how to deploy the layers; the defaults are the main job's. */
export interface LayersDeployment {
  allowList?: string[];
  engine?: 'haproxy' | 'nginx';
  deploymentName?: string;
  resourceGroup?: string;
  name?: string;
}

/** The layers' deploy step: bicep/layers/main.bicepparam, with the allow-list and proxy engine when given. */
export async function deployLayers(
  local: LocalCloud,
  options: LayersDeployment = {},
): Promise<{ outputs: Record<string, string>; log: string }> {
  const shared = workflowStep(local);
  const overrides = [`name: ${options.name ?? layersName}`];
  if (options.allowList) overrides.push(`allowList: [${options.allowList.map((e) => `'${e}'`).join(', ')}]`);
  if (options.engine) overrides.push(`proxyEngine: ${options.engine}`);
  const step = checked(
    await runGitHubStep({
      actionDir: join(root, 'actions', 'deploy'),
      inputs: {
        ...shared.inputs,
        template: join(root, 'bicep', 'layers', 'main.bicepparam'),
        'parameter-overrides': overrides.join('\n'),
        'resource-group': options.resourceGroup ?? layersResourceGroup,
        location: 'westeurope',
        'deployment-name': options.deploymentName ?? 'layers',
      },
      env: shared.env,
    }),
    'deploy',
  );
  return { outputs: step.outputs, log: step.log };
}

/**
 * The seed's final check from the jump boxes: from L2 (and L3) an allowed name, a wildcard name and an exact name
 * beside its wildcard answer with their origin's own certificate through every proxy; a name outside the
 * allow-list is refused by the first proxy; a direct connection to an origin's public address fails (the NSG);
 * L4 reaches the internet directly.
 */
export function layerProbes(outputs: Record<string, string>): string {
  const [l2, l3, l4] = [outputs.l2JumpboxName!, outputs.l3JumpboxName!, outputs.l4JumpboxName!];
  const through = (box: string, layer: string, frontend: string) => [
    `- name: ${layer} - an allowed name through the proxies above`,
    `  jump-box: ${box}`,
    `  http: https://${origins.allowed.name}/`,
    `  body: hello from ${origins.allowed.name}`,
    // The layer's own proxy answers (so the box's network is up), and the origin's address does not.
    `- name: ${layer} - a direct connection to the origin public address fails`,
    `  jump-box: ${box}`,
    `  command: 'nc -z -w 3 ${frontend} 443 && ! nc -z -w 3 ${origins.allowed.ip} 443'`,
  ];
  return [
    ...through(l2, 'L2', outputs.l2Frontend!),
    `- name: L2 - DNS answers an allowed name with the L2 proxy`,
    `  jump-box: ${l2}`,
    `  dns: ${origins.allowed.name}`,
    `  ip: ${outputs.l2Frontend}`,
    `- name: L2 - a wildcard-allowed name`,
    `  jump-box: ${l2}`,
    `  http: https://${origins.wildcard.name}/`,
    `  body: hello from ${origins.wildcard.name}`,
    `- name: L2 - an exact name beside its wildcard`,
    `  jump-box: ${l2}`,
    `  http: https://${origins.exact.name}/`,
    `  body: hello from ${origins.exact.name}`,
    `- name: L2 - a name not allowed is refused by the L2 proxy`,
    `  jump-box: ${l2}`,
    // curl's 35: the proxy took the connection and closed it at the ClientHello (not a timeout, not a refusal).
    `  command: 'curl -sS --max-time 5 --connect-to ${origins.forbidden.name}:443:${outputs.l2Frontend}:443 https://${origins.forbidden.name}/; test $? -eq 35'`,
    ...through(l3, 'L3', outputs.l3Frontend!),
    `- name: L4 - the internet directly through the NAT gateway`,
    `  jump-box: ${l4}`,
    `  http: https://${origins.allowed.name}/`,
    `  body: hello from ${origins.allowed.name}`,
  ].join('\n');
}

/** Runs the probes of `layerProbes` with the jumpbox-probe step and its post step. */
export function probeLayers(local: LocalCloud, outputs: Record<string, string>): Promise<ProbeReport> {
  const boxes = [outputs.l2JumpboxName!, outputs.l3JumpboxName!, outputs.l4JumpboxName!];
  return runProbes(local, layersResourceGroup, boxes, layerProbes(outputs));
}

/** A jump box's private address, from its container group (it keeps it while stopped). */
export async function jumpBoxAddress(local: LocalCloud, id: string): Promise<string> {
  const group = (await new LocalCloudAdmin(local.cloud).getResource(id)) as {
    properties?: { ipAddress?: { ip?: string } };
  };
  return group.properties?.ipAddress?.ip ?? '';
}

/** One line of a proxy's connection log. */
export interface Hop {
  layer: string;
  /** The instance that logged it, and its address. */
  instance: string;
  at: string;
  client: string;
  sni: string;
  entry: string;
  upstream: string;
  state: string;
  /** True when the proxy refused the name: no allow-list entry matched it. */
  refused: boolean;
}

/** The resource group id a deployment of the layers went to, read from its outputs. */
function groupOf(outputs: Record<string, string>): string {
  return outputs.l2VnetId!.split('/providers/')[0]!;
}

/** The ids of a layer's proxy instances (the scale set's instances 0 and 1). */
export function proxyInstances(
  local: LocalCloud,
  outputs: Record<string, string>,
  layer: 'l2' | 'l3' | 'l4',
): string[] {
  const scaleSet = `${groupOf(outputs)}/providers/Microsoft.Compute/virtualMachineScaleSets/${outputs[`${layer}ScaleSetName`]}`;
  return [0, 1].map((n) => `${scaleSet}/virtualMachines/${n}`);
}

/** Every hop the proxies of the three layers logged, read with `layer-proxy.sh --hops` inside each instance. */
export async function proxyHops(local: LocalCloud, outputs: Record<string, string>): Promise<Hop[]> {
  const fabric = local.fabric!;
  const hops: Hop[] = [];
  for (const layer of ['l2', 'l3', 'l4'] as const) {
    for (const instance of proxyInstances(local, outputs, layer)) {
      const { stdout } = await fabric.run(instance, ['sh', '/usr/local/sbin/layer-proxy.sh', '--hops']);
      for (const line of stdout.split('\n')) {
        const fields = Object.fromEntries(
          line.split(' ').map((pair) => [pair.split('=')[0], pair.slice(pair.indexOf('=') + 1)]),
        ) as Record<string, string>;
        if (fields.layer === undefined || fields.client === undefined) continue;
        hops.push({
          layer: fields.layer,
          instance,
          at: fabric.addressOf(instance),
          client: fields.client.split(':')[0]!,
          sni: fields.sni ?? '',
          entry: fields.entry ?? '',
          upstream: fields.upstream ?? '',
          state: fields.state ?? '',
          refused: fields.entry === '' || fields.entry === '-',
        });
      }
    }
  }
  return hops;
}

/**
 * The path one name took from a client: its L2 hop, the L3 hop whose client is that L2 proxy, the L4 hop whose client
 * is that L3 proxy, and the origin's peer, the L4 NAT gateway's public address. Empty where the chain breaks.
 */
export async function chainOf(
  local: LocalCloud,
  outputs: Record<string, string>,
  hops: Hop[],
  sni: string,
  from: string,
): Promise<{ l2?: Hop; l3?: Hop; l4?: Hop; originPeer?: string; natAddress?: string }> {
  const named = hops.filter((hop) => hop.sni === sni);
  const l2 = named.find((hop) => hop.layer === 'L2' && hop.client === from);
  const l3 = named.find(
    (hop) => hop.layer === 'L3' && named.some((h) => h.layer === 'L2' && h.at === hop.client),
  );
  const l4 = named.find(
    (hop) => hop.layer === 'L4' && named.some((h) => h.layer === 'L3' && h.at === hop.client),
  );
  const admin = new LocalCloudAdmin(local.cloud);
  const pip = (await admin.getResource(
    `${groupOf(outputs)}/providers/Microsoft.Network/publicIPAddresses/${outputs.l4ScaleSetName!.replace(/^vmss-/, 'pip-nat-')}`,
  )) as { properties?: { ipAddress?: string } };
  const natAddress = pip.properties?.ipAddress;
  const originPeer = local.fabric!.peersSeenBy(sni).find((p) => p.peer === natAddress)?.peer;
  return { l2, l3, l4, originPeer, natAddress };
}

/** One line per hop of a chain, for npm start's summary. */
export function describeChain(chain: Awaited<ReturnType<typeof chainOf>>, sni: string): string {
  const { l2, l3, l4, originPeer } = chain;
  if (!l2 || !l3 || !l4 || !originPeer) return `${sni}: the chain is incomplete (${JSON.stringify(chain)})`;
  return [
    `${sni} (${l2.entry}): jump box ${l2.client}`,
    `L2 proxy ${l2.at} -> ${l2.upstream}`,
    `L3 proxy ${l3.at} -> ${l3.upstream}`,
    `L4 proxy ${l4.at} -> ${l4.upstream}`,
    `origin, seen from ${originPeer} (L4's NAT gateway)`,
  ].join(' | ');
}

/** Whether a layer's instances all applied an allow-list with `name` (their configuration read from the userData). */
export async function layerAllows(
  local: LocalCloud,
  outputs: Record<string, string>,
  layer: 'l2' | 'l3' | 'l4',
  name: string,
): Promise<boolean> {
  for (const instance of proxyInstances(local, outputs, layer)) {
    const { stdout } = await local.fabric!.run(instance, ['cat', '/etc/layer-proxy/layer.conf']);
    const allow = /^allow=(.*)$/m.exec(stdout)?.[1]?.split(',') ?? [];
    if (!allow.includes(name)) return false;
  }
  return true;
}

/**
 * Packets each lower layer's NSG stopped with its Internet deny (the fabric counts every rule's matches): the
 * proof that a direct connection from L2 or L3 to a public address failed at the NSG.
 */
export async function internetDenials(
  local: LocalCloud,
  outputs: Record<string, string>,
): Promise<{ l2: number; l3: number; rules: string[] }> {
  const name = outputs.l2ScaleSetName!.replace(/^vmss-l2-/, '');
  const rules = [`nsg-l2-${name}/deny-internet-outbound`, `nsg-l3-${name}/deny-internet-outbound`];
  const hits = await local.fabric!.securityRuleHits();
  return { l2: hits[rules[0]!] ?? 0, l3: hits[rules[1]!] ?? 0, rules };
}
