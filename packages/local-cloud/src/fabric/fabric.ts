import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { ResourceStore } from '../internal/arm/resource-store.js';
import type { ExecRunner } from '../internal/providers/container-instance/exec-sessions.js';
import { FabricNames } from './fabric-names.js';
import {
  readDesiredFabric,
  InstanceAddresses,
  type BalancingRule,
  type DesiredFabric,
  type EndpointSpec,
  type PrivateLinkSpec,
  type VnetSpec,
} from './desired-state.js';
import {
  commandEnvironment,
  ipBatch,
  runCommand,
  runInNamespace,
  spawnInNamespace,
} from './host-commands.js';
import {
  attachHost,
  createNamespace,
  deleteNamespace,
  linkRouters,
  platformAddress,
} from './namespace-plumbing.js';
import { NamespaceProber, NamespaceServer, type ServerReplies } from './namespace-processes.js';
import { VnetDns } from './vnet-dns.js';
import { internetLink, labelledRuleHits, routerRules } from './router-rules.js';
import { bootScript, parseCustomData, type CloudConfig, type InstallPlan } from './cloud-init.js';
import { InstanceInit } from './instance-runtime.js';
import { buildInstanceImage } from './instance-image.js';
import { InstanceMetadataService, metadataAddress, type InstanceMetadata } from './instance-metadata.js';
import { PackageMirror, hostPackages } from './package-mirror.js';
import { PublicCertificateAuthority } from './public-ca.js';
import { PublicInternet, type InternetOptions } from './public-internet.js';
import { claimRun, fabricNamespaces, removeRun, sweepCrashedRuns } from './sweep.js';
import { parsePrefix, prefixAddress } from './ipv4.js';

/** An on-premises site reached from a VNet: its networks, and servers with known replies. */
export interface OnPremSite {
  /** Name of the VNet the site is connected to (as the seed's hub reaches 192.168.42.0/24). */
  attachTo: string;
  /** The site's networks; each server's address lies in one of them. */
  prefixes: string[];
  servers: ({ name: string; ip: string } & Partial<ServerReplies>)[];
}

/** How to start the fabric. */
export interface FabricOptions {
  /** Six hex digits; random when absent. */
  runId?: string;
  onPrem?: OnPremSite[];
  /**
   * The stand-in for public DNS: names every VNet resolves through 168.63.129.16 besides its linked private
   * zones (a linked zone shadows the public names below it, as Azure DNS does).
   */
  publicRecords?: { name: string; ip: string }[];
  /** Overrides every probe's interval (tests); the probe's own intervalInSeconds otherwise. */
  probeIntervalMs?: number;
  /**
   * The simulated internet beyond the NAT gateways: public HTTPS origins and the package mirror that cloud-init's
   * `packages` installs from. Their names resolve through the public resolver and Azure DNS in every VNet.
   */
  internet?: InternetOptions;
}

/** The address of the server standing for the internet, in the internet namespace. */
export const internetServerAddress = '198.51.100.80';

interface RouterState {
  namespace: string;
  links: number;
  dns: VnetDns;
  prober: NamespaceProber;
  metadata: InstanceMetadataService;
  rules: string;
}

interface RealisedEndpoint {
  spec: EndpointSpec;
  key: string;
  booted: Promise<void>;
  /** An instance's init process, whose namespaces every command in the instance joins. */
  init?: number;
}

interface Health {
  up: boolean;
  failures: number;
  nextAt: number;
  busy: boolean;
}

/** The data plane of a local cloud: what the store describes, realised as network namespaces. */
export class Fabric {
  readonly names: FabricNames;
  /** Boot output of each instance (by instance id), for diagnosis. */
  readonly bootLogs = new Map<string, string>();
  private readonly addresses = new InstanceAddresses();
  private readonly routers = new Map<string, RouterState>();
  private readonly endpoints = new Map<string, RealisedEndpoint>();
  private readonly privateLinks = new Map<string, { key: string; namespace: string }>();
  private readonly peerings = new Map<string, string>();
  private readonly sites = new Map<
    number,
    { namespace: string; vnetId: string; servers: Map<string, NamespaceServer> }
  >();
  private internet?: { namespace: string; server: NamespaceServer; linked: Set<string> };
  private publicInternet!: PublicInternet;
  private publicCa!: PublicCertificateAuthority;
  private mirror?: PackageMirror;
  private imagePackages = new Set<string>();
  private readonly containerResolvers = new Map<string, string>();
  private readonly health = new Map<string, Health>();
  private desired?: DesiredFabric;
  private pairIndex = 0;
  private stopped = false;
  private loop?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private cycle: Promise<void> = Promise.resolve();
  /** What the running reconcile cycle is doing, and since when: the watchdog names a cycle that does not end. */
  private step = 'idle';
  private cycleStartedAt = 0;
  private readonly waiters: (() => void)[] = [];
  /** The last reconcile error (a command that failed), kept for diagnosis; the loop retries. */
  lastError?: Error;
  /** Every distinct reconcile error so far. */
  readonly errors: string[] = [];

  constructor(
    readonly store: ResourceStore,
    private readonly options: FabricOptions,
  ) {
    this.names = new FabricNames(options.runId);
  }

  /** Sweeps crashed runs, claims this run, prepares what instances boot from and starts the reconcile loop. */
  async start(): Promise<void> {
    await sweepCrashedRuns();
    await claimRun(this.names);
    await this.prepareInstanceImage();
    const tick = () => {
      if (this.stopped) return;
      this.cycleStartedAt = Date.now();
      this.cycle = this.reconcile()
        .then(() => (this.lastError = undefined))
        .catch((error: Error) => {
          this.lastError = error;
          if (!this.errors.includes(error.message)) this.errors.push(error.message);
        })
        .then(() => {
          this.step = 'idle';
          for (const wake of this.waiters.splice(0)) wake();
          if (!this.stopped) this.loop = setTimeout(tick, 200);
        });
    };
    this.watchdog = setInterval(() => this.reportStuckCycle(), 5000);
    this.watchdog.unref();
    tick();
    await this.cycle;
  }

  private reportStuckCycle(): void {
    const seconds = Math.round((Date.now() - this.cycleStartedAt) / 1000);
    if (this.step === 'idle' || seconds < 30) return;
    const message = `The fabric has been ${this.step} for ${seconds} s: the data plane no longer follows the store.`;
    if (!this.errors.some((e) => e.startsWith(`The fabric has been ${this.step} for`)))
      this.errors.push(message);
  }

  /** Resolves after two complete reconcile cycles, so a change made before the call has been realised. */
  async settled(): Promise<void> {
    for (let i = 0; i < 2; i++) await new Promise<void>((wake) => this.waiters.push(wake));
    await Promise.all([...this.endpoints.values()].map((e) => e.booted));
  }

  /** The namespace of a container group or instance (by resource id, or `<vmss id>/virtualMachines/<n>`). */
  namespaceOf(id: string): string {
    const endpoint = this.endpoints.get(id.toLowerCase());
    if (endpoint === undefined)
      throw new Error(`No realised container group or instance has the id '${id}'.`);
    return endpoint.spec.namespace;
  }

  /** The address of a realised container group or instance. */
  addressOf(id: string): string {
    return this.endpoints.get(id.toLowerCase())!.spec.ip;
  }

  /**
   * Starts a command inside a container group or instance: its network, host name and DNS; in an instance, inside
   * its own root (the namespaces of its init), beside its services.
   */
  exec(id: string, argv: string[]): ChildProcess {
    const endpoint = this.endpoints.get(id.toLowerCase());
    if (endpoint === undefined)
      throw new Error(`No realised container group or instance has the id '${id}'.`);
    const { spec } = endpoint;
    if (endpoint.init !== undefined)
      return spawn(
        InstanceInit.command(endpoint.init, [])[0]!,
        InstanceInit.command(endpoint.init, argv).slice(1),
        {
          env: commandEnvironment,
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
    // A container group's image trusts the public CAs (here, the simulated internet's) and uses its DNS servers.
    const setup = [
      `hostname '${spec.hostname}'`,
      `mount --bind ${this.resolverFile(spec.id)} /etc/resolv.conf`,
      `mount --bind ${this.imageDir}/etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt`,
    ];
    return spawnInNamespace(spec.namespace, [
      'unshare',
      '-m',
      '-u',
      '--propagation',
      'private',
      'sh',
      '-c',
      `${setup.join('\n')}\nexec "$@"`,
      'sh',
      ...argv,
    ]);
  }

  /** The runner ACI exec uses: the command runs inside the container group's namespace. */
  readonly execRunner: ExecRunner = {
    start: (groupId, _container, argv) => {
      if (this.endpoints.has(groupId.toLowerCase())) return this.exec(groupId, argv);
      // Not realised yet (the fabric converges within a cycle or two): the command fails as on a cold container.
      return spawn('sh', ['-c', 'echo "the container group is not running in the fabric yet" >&2; exit 1'], {
        env: commandEnvironment,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    },
  };

  /** Runs a command through `exec` and collects its output and exit code. */
  run(id: string, argv: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
    const child = this.exec(id, argv);
    let stdout = '';
    let stderr = '';
    child.stdin!.on('error', () => undefined);
    child.stdin!.end();
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    return new Promise((resolve) => child.on('close', (code) => resolve({ stdout, stderr, code })));
  }

  /** Peer addresses an on-prem server, a public host of the simulated internet (or `internet`) has seen. */
  peersSeenBy(server: string): { port: number; peer: string }[] {
    if (server === 'internet') return this.internet?.server.peers ?? [];
    const publicPeers = this.publicInternet.peersOf(server);
    if (publicPeers !== undefined) return publicPeers;
    for (const site of this.sites.values()) {
      const found = site.servers.get(server);
      if (found !== undefined) return found.peers;
    }
    throw new Error(`No on-prem server is named '${server}'.`);
  }

  /** Runs a command in an on-prem server's namespace (its network only), for tests of what the site can reach. */
  async runOnPrem(server: string, argv: string[]): Promise<{ stdout: string; code: number }> {
    this.peersSeenBy(server);
    return runInNamespace(this.names.namespace('onprem', server), argv).then(
      (stdout) => ({ stdout, code: 0 }),
      (error: Error) => ({ stdout: error.message, code: 1 }),
    );
  }

  /**
   * How many packets each network security group rule has matched, by `<group>/<rule>` (Azure's default rules by
   * their names, such as `DenyAllOutBound`), summed over every VNet router: which rule let a flow pass or stopped it.
   */
  async securityRuleHits(): Promise<Record<string, number>> {
    const hits: Record<string, number> = {};
    for (const router of this.routers.values()) {
      const listing = await runInNamespace(router.namespace, [
        'nft',
        '-j',
        'list',
        'table',
        'ip',
        'azlc',
      ]).catch(() => '{}');
      for (const [rule, packets] of Object.entries(labelledRuleHits(listing)))
        hits[rule] = (hits[rule] ?? 0) + packets;
    }
    return hits;
  }

  /** True when the backend is in rotation for the frontend ip:port. */
  inRotation(frontendIp: string, frontendPort: number, backendId: string): boolean {
    return this.health.get(`${frontendIp}:${frontendPort} ${backendId.toLowerCase()}`)?.up ?? false;
  }

  /** Reboots an instance: a fresh network namespace (no rules, default sysctls), the same disk, the boot path again. */
  async reboot(id: string): Promise<void> {
    const endpoint = this.endpoints.get(id.toLowerCase());
    if (endpoint === undefined) throw new Error(`No realised instance has the id '${id}'.`);
    await this.cycle;
    this.endpoints.delete(endpoint.spec.id);
    await deleteNamespace(endpoint.spec.namespace);
    await this.settled();
  }

  /** Stops the loop and removes every namespace, process and file of this run. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.loop);
    clearInterval(this.watchdog);
    await this.cycle;
    // A boot still running (apt retrying a mirror, say) dies with its namespace below; its promise settles then.
    for (const router of this.routers.values()) {
      router.dns.stop();
      router.prober.stop();
      router.metadata.stop();
    }
    for (const site of this.sites.values()) for (const server of site.servers.values()) server.stop();
    this.internet?.server.stop();
    this.publicInternet?.stop();
    const mine = (await fabricNamespaces()).get(this.names.runId) ?? [];
    await removeRun(this.names.runId, mine);
    await Promise.all([...this.endpoints.values()].map((e) => e.booted));
  }

  private diskDir(id: string): string {
    return `${this.names.stateDir}/disk-${createHash('sha256').update(id).digest('hex').slice(0, 12)}`;
  }

  private resolverFile(id: string): string {
    return `${this.names.stateDir}/resolv-${createHash('sha256').update(id).digest('hex').slice(0, 12)}.conf`;
  }

  private get imageDir(): string {
    return `${this.names.stateDir}/image`;
  }

  /**
   * The simulated internet's CA and mirror, and the image layer instances boot from: the host's userland with the
   * fabric's init stand-ins and the public CA, without the mirror's packages, which instances must install.
   */
  private async prepareInstanceImage(): Promise<void> {
    this.publicCa = await PublicCertificateAuthority.create();
    const debDir = this.options.internet?.mirror?.debDir;
    this.mirror = debDir === undefined ? undefined : await PackageMirror.load(debDir);
    const onHost = await hostPackages();
    const hidden = [...(this.mirror?.packages.keys() ?? [])].filter((name) => onHost.has(name));
    this.imagePackages = new Set([...onHost].filter((name) => !this.mirror?.packages.has(name)));
    await buildInstanceImage(this.imageDir, { extraCaPem: [this.publicCa.certPem], hiddenPackages: hidden });
    this.publicInternet = new PublicInternet(this.options.internet ?? {}, this.mirror);
  }

  /** The CA that signs the simulated internet's certificates, which the jump boxes and instances trust. */
  get publicCaPem(): string {
    return this.publicCa.certPem;
  }

  /** What cloud-init's packages step unpacks for this configuration, from the mirror, given the image. */
  private installPlan(config: CloudConfig): InstallPlan {
    const indexPath = this.mirror?.indexPath ?? 'dists/stable/main/binary-amd64/Packages';
    const has = (name: string) => this.imagePackages.has(name);
    if (this.mirror === undefined) {
      const missing = config.packages.find((name) => !has(name));
      return missing === undefined
        ? { packages: [], indexPath }
        : { error: `E: Unable to locate package ${missing}` };
    }
    try {
      return { packages: this.mirror.plan(config.packages, has), indexPath };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  private async reconcile(): Promise<void> {
    const desired = readDesiredFabric(this.store, this.names, this.addresses);
    this.desired = desired;
    // Only what the namespace is built from: a subnet's NSG or NAT gateway changes the router's rules, not the host.
    // userData reaches a running instance through the metadata service, and resolvers through DHCP (instances)
    // or the group's resolv.conf (container groups): neither rebuilds the host.
    const live = ['securityRules', 'securityGroupName', 'natPublicIp', 'pools', 'userData', 'nameservers'];
    const key = (value: unknown) =>
      JSON.stringify(value, (name, inner: unknown) => (live.includes(name) ? undefined : inner));
    const wantedEndpoints = new Map(desired.endpoints.map((e) => [e.id, e]));
    for (const [id, realised] of this.endpoints) {
      const wanted = wantedEndpoints.get(id);
      if (wanted === undefined || key(wanted) !== realised.key || !this.routers.has(wanted.vnetId)) {
        this.endpoints.delete(id);
        await deleteNamespace(realised.spec.namespace);
        if (wanted === undefined) await rm(this.diskDir(id), { recursive: true, force: true });
      }
    }
    const wantedLinks = new Map(desired.privateLinks.map((l) => [l.id, l]));
    for (const [id, realised] of this.privateLinks) {
      if (key(wantedLinks.get(id)) !== realised.key) {
        this.privateLinks.delete(id);
        await deleteNamespace(realised.namespace);
      }
    }
    const wantedVnets = new Map(desired.vnets.map((v) => [v.id, v]));
    for (const [id, router] of this.routers) {
      if (!wantedVnets.has(id)) {
        router.dns.stop();
        router.prober.stop();
        router.metadata.stop();
        this.routers.delete(id);
        await deleteNamespace(router.namespace);
      }
    }
    this.step = 'creating VNet routers';
    for (const vnet of desired.vnets) if (!this.routers.has(vnet.id)) await this.createRouter(vnet);
    // Hosts and links are independent of each other: built in parallel (each takes a few dozen ip calls).
    this.step = 'creating instances and container groups';
    await Promise.all(
      desired.endpoints
        .filter((e) => !this.endpoints.has(e.id) && this.routers.has(e.vnetId))
        .map((e) => this.createEndpoint(e, key(e))),
    );
    await Promise.all(
      desired.privateLinks
        .filter((l) => !this.privateLinks.has(l.id))
        .map((l) => this.createPrivateLink(l, key(l))),
    );
    this.step = 'connecting on-prem sites';
    await this.connectSites(desired.vnets);
    this.step = 'connecting peerings';
    await this.connectPeerings(desired);
    this.step = 'connecting the internet';
    await this.connectInternet(desired.vnets);
    this.scheduleProbes(desired);
    this.step = 'applying router policies';
    for (const vnet of desired.vnets) await this.applyRouterPolicy(vnet, desired);
  }

  private async createRouter(vnet: VnetSpec): Promise<void> {
    await createNamespace(vnet.namespace, true);
    await ipBatch(vnet.namespace, [
      `addr add ${platformAddress}/32 dev lo`,
      `addr add ${metadataAddress}/32 dev lo`,
    ]);
    const hostsFile = `${this.names.stateDir}/${vnet.namespace}.hosts`;
    const initial = await VnetDns.prepare(hostsFile, this.resolvable(vnet));
    this.routers.set(vnet.id, {
      namespace: vnet.namespace,
      links: 0,
      dns: new VnetDns(vnet.namespace, hostsFile, initial),
      prober: new NamespaceProber(vnet.namespace),
      metadata: new InstanceMetadataService(
        vnet.namespace,
        `${this.names.stateDir}/${vnet.namespace}.metadata.json`,
      ),
      rules: '',
    });
  }

  private async createEndpoint(spec: EndpointSpec, key: string): Promise<void> {
    const router = this.routers.get(spec.vnetId)!;
    await createNamespace(spec.namespace, false);
    await attachHost(
      router.namespace,
      `h${router.links++}`,
      spec.namespace,
      'eth0',
      spec.ip,
      spec.subnet.prefix,
      spec.subnet.gateway,
    );
    if (spec.kind !== 'vm') {
      await this.writeContainerResolvers(spec);
      this.endpoints.set(spec.id, { spec, key, booted: Promise.resolve() });
      return;
    }
    const disk = this.diskDir(spec.id);
    await mkdir(disk, { recursive: true });
    const init = await new InstanceInit(spec.namespace, {
      hostname: spec.hostname,
      diskDir: disk,
      imageDir: this.imageDir,
      nameservers: spec.nameservers,
    }).ready;
    const booted = spec.customData !== undefined ? this.boot(spec, init) : Promise.resolve();
    this.endpoints.set(spec.id, { spec, key, init, booted: booted.catch(() => undefined) });
  }

  /** Runs the instance's boot path inside it; its output is the instance's boot log. */
  private async boot(spec: EndpointSpec, init: number): Promise<void> {
    let output: string;
    try {
      const config = parseCustomData(spec.customData!);
      const [file, ...args] = InstanceInit.command(init, ['sh', '-s']);
      output = await runCommand(file!, args, bootScript(config, this.installPlan(config)));
    } catch (error) {
      output = `boot failed: ${(error as Error).message}`;
    }
    this.bootLogs.set(spec.id, (this.bootLogs.get(spec.id) ?? '') + output);
  }

  /** A container group's resolv.conf, rewritten when its DNS servers change (the next exec uses it). */
  private async writeContainerResolvers(spec: EndpointSpec): Promise<void> {
    const text = spec.nameservers.map((ip) => `nameserver ${ip}\n`).join('');
    if (this.containerResolvers.get(spec.id) === text) return;
    await writeFile(this.resolverFile(spec.id), text);
    this.containerResolvers.set(spec.id, text);
  }

  private async createPrivateLink(link: PrivateLinkSpec, linkKey: string): Promise<void> {
    const spoke = this.routers.get(link.endpoint.vnetId);
    const hub = this.routers.get(link.service.vnetId);
    if (spoke === undefined || hub === undefined) return;
    await createNamespace(link.namespace, true);
    const { endpoint, service } = link;
    await attachHost(
      spoke.namespace,
      `h${spoke.links++}`,
      link.namespace,
      'spoke',
      endpoint.ip,
      endpoint.subnet.prefix,
      endpoint.subnet.gateway,
    );
    await attachHost(
      hub.namespace,
      `h${hub.links++}`,
      link.namespace,
      'hub',
      service.ip,
      service.subnet.prefix,
      service.subnet.gateway,
      false,
    );
    const hubSpace = this.desired!.vnets.find((v) => v.id === service.vnetId)!.addressSpace;
    await ipBatch(
      link.namespace,
      hubSpace.map((p) => `route replace ${p} via ${service.subnet.gateway} dev hub onlink`),
    );
    await ipBatch(link.namespace, [`route replace default via ${endpoint.subnet.gateway} dev spoke onlink`]);
    // The service end: new flows to the endpoint's address go to the frontend, from the NAT address.
    await runInNamespace(
      link.namespace,
      ['nft', '-f', '-'],
      [
        'table ip azlc {',
        '  chain pre {',
        '    type nat hook prerouting priority dstnat; policy accept;',
        `    iifname "spoke" ip daddr ${endpoint.ip} meta l4proto { tcp, udp } dnat to ${link.frontendIp}`,
        '  }',
        '  chain post {',
        '    type nat hook postrouting priority srcnat; policy accept;',
        `    oifname "hub" snat to ${service.ip}`,
        '  }',
        '  chain transit {',
        '    type filter hook forward priority filter; policy drop;',
        '    ct state established,related accept',
        '    iifname "spoke" oifname "hub" ct status dnat accept',
        '  }',
        '}',
      ].join('\n'),
    );
    this.privateLinks.set(link.id, { key: linkKey, namespace: link.namespace });
  }

  private async connectSites(vnets: VnetSpec[]): Promise<void> {
    for (const [index, site] of (this.options.onPrem ?? []).entries()) {
      const vnet = vnets.find((v) => v.namespace.includes(`-vnet-${site.attachTo.toLowerCase()}-`));
      const realised = this.sites.get(index);
      if (realised !== undefined && realised.vnetId === vnet?.id) continue;
      if (realised !== undefined) {
        for (const server of realised.servers.values()) server.stop();
        this.sites.delete(index);
        await deleteNamespace(realised.namespace);
        for (const server of site.servers) await deleteNamespace(this.names.namespace('onprem', server.name));
      }
      if (vnet === undefined) continue;
      const router = this.routers.get(vnet.id)!;
      const namespace = this.names.namespace('onprem', `site${index}`);
      await createNamespace(namespace, true);
      const link = `l${router.links++}`;
      const { aAddress, bAddress } = await linkRouters(router.namespace, namespace, link, this.pairIndex++);
      await ipBatch(
        router.namespace,
        site.prefixes.map((p) => `route replace ${p} via ${bAddress} dev ${link}`),
      );
      await ipBatch(
        namespace,
        vnet.addressSpace.map((p) => `route replace ${p} via ${aAddress} dev ${link}`),
      );
      const servers = new Map<string, NamespaceServer>();
      for (const [serverIndex, server] of site.servers.entries()) {
        const prefix = site.prefixes
          .map(parsePrefix)
          .find((p) => p.first <= ipNumber(server.ip) && ipNumber(server.ip) < p.first + p.size);
        if (prefix === undefined)
          throw new Error(
            `On-prem server '${server.name}' (${server.ip}) lies in none of its site's prefixes ${site.prefixes.join(', ')}.`,
          );
        const serverNamespace = this.names.namespace('onprem', server.name);
        await createNamespace(serverNamespace, false);
        await attachHost(
          namespace,
          `s${serverIndex}`,
          serverNamespace,
          'eth0',
          server.ip,
          prefix.text,
          prefixAddress(prefix, 1),
        );
        const running = new NamespaceServer(serverNamespace, server.ip, {
          http: server.http ?? [],
          echo: server.echo ?? [],
          https: server.https ?? [],
        });
        await running.ready;
        servers.set(server.name, running);
      }
      this.sites.set(index, { namespace, vnetId: vnet.id, servers });
    }
  }

  private async connectPeerings(desired: DesiredFabric): Promise<void> {
    const wanted = new Set(desired.peerings.map((p) => p.join(' ')));
    for (const [pair, link] of this.peerings) {
      if (wanted.has(pair)) continue;
      this.peerings.delete(pair);
      const router = this.routers.get(pair.split(' ')[0]!);
      if (router !== undefined) await ipBatch(router.namespace, [`link del ${link}`]).catch(() => undefined);
    }
    for (const [a, b] of desired.peerings) {
      if (this.peerings.has(`${a} ${b}`)) continue;
      const left = this.routers.get(a)!;
      const right = this.routers.get(b)!;
      const link = `p${this.pairIndex}`;
      const { aAddress, bAddress } = await linkRouters(
        left.namespace,
        right.namespace,
        link,
        this.pairIndex++,
      );
      const space = (id: string) => desired.vnets.find((v) => v.id === id)!.addressSpace;
      await ipBatch(
        left.namespace,
        space(b).map((p) => `route replace ${p} via ${bAddress} dev ${link}`),
      );
      await ipBatch(
        right.namespace,
        space(a).map((p) => `route replace ${p} via ${aAddress} dev ${link}`),
      );
      this.peerings.set(`${a} ${b}`, link);
    }
  }

  private async connectInternet(vnets: VnetSpec[]): Promise<void> {
    for (const vnet of vnets) {
      const publicIps = vnet.subnets.flatMap((s) => (s.natPublicIp === undefined ? [] : [s.natPublicIp]));
      if (publicIps.length === 0 || this.internet?.linked.has(vnet.id)) continue;
      if (this.internet === undefined) {
        const namespace = this.names.namespace('internet', 'internet');
        await createNamespace(namespace, true);
        await ipBatch(namespace, [`addr add ${internetServerAddress}/32 dev lo`]);
        const server = new NamespaceServer(namespace, internetServerAddress, {
          http: [{ port: 80, reply: 'internet' }],
          echo: [],
        });
        await server.ready;
        await this.publicInternet.start(namespace, this.names.stateDir, this.publicCa);
        this.internet = { namespace, server, linked: new Set() };
      }
      const router = this.routers.get(vnet.id)!;
      const { aAddress, bAddress } = await linkRouters(
        router.namespace,
        this.internet.namespace,
        internetLink,
        this.pairIndex++,
      );
      await ipBatch(this.internet.namespace, [`link set ${internetLink} name i${this.pairIndex}`]).catch(
        () => undefined,
      );
      await ipBatch(router.namespace, [`route replace default via ${bAddress} dev ${internetLink}`]);
      await ipBatch(
        this.internet.namespace,
        publicIps.map((ip) => `route replace ${ip}/32 via ${aAddress}`),
      );
      this.internet.linked.add(vnet.id);
    }
  }

  private healthKey(rule: BalancingRule, backendId: string): string {
    return `${rule.frontendIp}:${rule.frontendPort}${rule.protocol === 'Tcp' ? '' : `/${rule.protocol}`} ${backendId}`;
  }

  /** Starts the probes that are due, from 168.63.129.16 in the frontend's VNet router, as Azure probes. */
  private scheduleProbes(desired: DesiredFabric): void {
    const now = Date.now();
    const live = new Set<string>();
    for (const [vnetId, rules] of desired.balancing) {
      const router = this.routers.get(vnetId);
      if (router === undefined) continue;
      for (const rule of rules) {
        for (const backendId of rule.backends) {
          const healthKey = this.healthKey(rule, backendId);
          live.add(healthKey);
          const endpoint = this.endpoints.get(backendId);
          if (endpoint === undefined) continue;
          const state = this.health.get(healthKey) ?? {
            up: rule.probe === undefined,
            failures: 0,
            nextAt: 0,
            busy: false,
          };
          this.health.set(healthKey, state);
          if (rule.probe === undefined || state.busy || state.nextAt > now) continue;
          const probe = rule.probe;
          const interval = this.options.probeIntervalMs ?? probe.intervalMs;
          state.busy = true;
          void endpoint.booted
            .then(() =>
              router.prober.probe(platformAddress, endpoint.spec.ip, probe.port, Math.min(interval, 1000)),
            )
            .then((ok) => {
              state.failures = ok ? 0 : state.failures + 1;
              if (ok) state.up = true;
              else if (state.failures >= probe.threshold) state.up = false;
              state.busy = false;
              state.nextAt = Date.now() + interval;
            });
        }
      }
    }
    for (const healthKey of this.health.keys()) if (!live.has(healthKey)) this.health.delete(healthKey);
  }

  /** The records a VNet's DNS answers: its linked zones', then the public stand-in's outside those zones. */
  private resolvable(vnet: VnetSpec): { name: string; ip: string }[] {
    const shadowed = (name: string) =>
      vnet.linkedZones.some((zone) => name.toLowerCase() === zone || name.toLowerCase().endsWith(`.${zone}`));
    const publicNames = [...(this.options.publicRecords ?? []), ...this.publicInternet.records()];
    return [...vnet.dnsRecords, ...publicNames.filter((r) => !shadowed(r.name))];
  }

  /** What the VirtualNetwork tag covers from this VNet: its space, its peers' and its on-prem sites'. */
  private virtualNetworkScope(vnet: VnetSpec, desired: DesiredFabric): string[] {
    const peers = desired.peerings.flatMap(([a, b]) => (a === vnet.id ? [b] : b === vnet.id ? [a] : []));
    const peerSpace = desired.vnets.filter((v) => peers.includes(v.id)).flatMap((v) => v.addressSpace);
    const sites = [...this.sites.entries()]
      .filter(([, site]) => site.vnetId === vnet.id)
      .flatMap(([index]) => this.options.onPrem?.[index]?.prefixes ?? []);
    return [...vnet.addressSpace, ...peerSpace, ...sites];
  }

  private async applyRouterPolicy(vnet: VnetSpec, desired: DesiredFabric): Promise<void> {
    const router = this.routers.get(vnet.id)!;
    await router.dns.update(this.resolvable(vnet));
    const instances = new Map<string, InstanceMetadata>();
    for (const endpoint of desired.endpoints.filter((e) => e.vnetId === vnet.id)) {
      if (endpoint.kind === 'aci' && this.endpoints.has(endpoint.id))
        await this.writeContainerResolvers(endpoint);
      if (endpoint.kind === 'vm')
        instances.set(endpoint.ip, {
          name: endpoint.hostname,
          vmScaleSetName: endpoint.scaleSetName ?? '',
          location: endpoint.location ?? '',
          userData: endpoint.userData ?? '',
        });
    }
    await router.metadata.update(instances);
    const rules = routerRules(
      vnet,
      desired.balancing.get(vnet.id) ?? [],
      (id) => this.endpoints.get(id)?.spec.ip,
      (rule, id) => this.health.get(this.healthKey(rule, id))?.up ?? false,
      { virtualNetwork: this.virtualNetworkScope(vnet, desired) },
    );
    if (rules === router.rules) return;
    const replace = router.rules === '' ? '' : 'delete table ip azlc\n';
    await runInNamespace(router.namespace, ['nft', '-f', '-'], `${replace}${rules}\n`);
    router.rules = rules;
  }
}

function ipNumber(address: string): number {
  return parsePrefix(`${address}/32`).first;
}

/** Starts a fabric over a store: sweeps what crashed runs left, then realises the store every 200 ms. */
export async function startFabric(store: ResourceStore, options: FabricOptions): Promise<Fabric> {
  const fabric = new Fabric(store, options);
  try {
    await fabric.start();
  } catch (error) {
    await fabric.stop();
    throw error;
  }
  return fabric;
}
