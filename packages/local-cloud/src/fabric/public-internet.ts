import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { ipBatch, spawnInNamespace } from './host-commands.js';
import { InternetServers, type MirrorSpec, type OriginSpec } from './internet-servers.js';
import type { PackageMirror } from './package-mirror.js';
import type { PublicCertificateAuthority } from './public-ca.js';

/** A public HTTPS origin of the simulated internet, declared by a scenario as on-prem servers are. */
export interface PublicHost {
  /** Its DNS name; its certificate names it and `altNames`. */
  name: string;
  /** Its public address (a documentation range such as 198.51.100.0/24 or 203.0.113.0/24). */
  ip: string;
  /** More names that resolve to it and that its certificate covers. */
  altNames?: string[];
  /** What `GET /` answers; `hello from <name>` by default. `GET /bytes/<n>` answers n bytes. */
  reply?: string;
}

/** The simulated internet: public origins, and the Debian mirror instances install their packages from. */
export interface InternetOptions {
  hosts?: PublicHost[];
  /** The package mirror: `debDir` holds the .deb files it serves (npm run setup downloads them to tools/mirror). */
  mirror?: { debDir: string; name?: string; ip?: string };
}

/** The public resolver's address: a public DNS server that answers every name of the simulated internet. */
export const publicResolverAddress = '198.51.100.53';
const mirrorDefaults = { name: 'deb.debian.org', ip: '198.51.100.90' };

/**
 * What runs in the internet namespace beside the plain HTTP server: the origins (TLS with certificates of the
 * public CA), the mirror (HTTP and HTTPS, serving its .deb files and index under /debian/) and a public resolver
 * (dnsmasq) for all their names. Only public egress reaches it: a NAT gateway's or a public IP's address.
 */
export class PublicInternet {
  private servers?: InternetServers;
  private resolver?: ChildProcess;

  constructor(
    private readonly options: InternetOptions,
    private readonly mirror: PackageMirror | undefined,
  ) {}

  /** The mirror's name and address, when the internet has one. */
  get mirrorHost(): { name: string; ip: string } | undefined {
    return this.options.mirror === undefined ? undefined : { ...mirrorDefaults, ...this.options.mirror };
  }

  /** Every public name with its address: what the public resolver, and Azure DNS in every VNet, answer. */
  records(): { name: string; ip: string }[] {
    const hosts = (this.options.hosts ?? []).flatMap((h) =>
      [h.name, ...(h.altNames ?? [])].map((name) => ({ name: name.toLowerCase(), ip: h.ip })),
    );
    const mirror = this.mirrorHost;
    return mirror === undefined ? hosts : [...hosts, { name: mirror.name, ip: mirror.ip }];
  }

  /** Starts the origins, the mirror and the resolver in the internet namespace. */
  async start(namespace: string, stateDir: string, ca: PublicCertificateAuthority): Promise<void> {
    const hosts = this.options.hosts ?? [];
    const mirror = this.mirrorHost;
    const addresses = new Set([
      publicResolverAddress,
      ...hosts.map((h) => h.ip),
      ...(mirror ? [mirror.ip] : []),
    ]);
    await ipBatch(
      namespace,
      [...addresses].map((ip) => `addr add ${ip}/32 dev lo`),
    );
    const origins: OriginSpec[] = [];
    for (const host of hosts)
      origins.push({
        name: host.name,
        ip: host.ip,
        reply: host.reply ?? `hello from ${host.name}`,
        ...(await ca.issue([host.name, ...(host.altNames ?? [])])),
      });
    let mirrorSpec: MirrorSpec | undefined;
    if (mirror !== undefined && this.mirror !== undefined) {
      const files = Object.fromEntries(
        [...this.mirror.packages.values()].map((p) => [`/debian/${p.filename}`, p.file]),
      );
      mirrorSpec = {
        ...mirror,
        ...(await ca.issue([mirror.name])),
        files,
        texts: { [`/debian/${this.mirror.indexPath}`]: this.mirror.index() },
      };
    }
    const specFile = `${stateDir}/internet.json`;
    await writeFile(specFile, JSON.stringify({ origins, mirror: mirrorSpec }), { mode: 0o600 });
    this.servers = new InternetServers(namespace, specFile);
    const hostsFile = `${stateDir}/internet.hosts`;
    await writeFile(
      hostsFile,
      this.records()
        .map((r) => `${r.ip} ${r.name}`)
        .join('\n') + '\n',
    );
    this.resolver = spawnInNamespace(namespace, [
      'dnsmasq',
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--local=/#/',
      '--user=root',
      '--pid-file',
      `--listen-address=${publicResolverAddress}`,
      '--bind-interfaces',
      `--addn-hosts=${hostsFile}`,
    ]);
    this.resolver.stdout!.resume();
    this.resolver.stderr!.resume();
    await this.servers.ready;
  }

  /** Peers a public host (or the mirror) has seen, by its name; undefined for a name it does not have. */
  peersOf(name: string): { port: number; peer: string }[] | undefined {
    const known =
      this.records().some((r) => r.name === name.toLowerCase()) ||
      (this.options.hosts ?? []).some((h) => h.name === name);
    if (!known) return undefined;
    return this.servers?.peers.get(name) ?? [];
  }

  stop(): void {
    this.servers?.stop();
    this.resolver?.kill('SIGKILL');
  }
}
