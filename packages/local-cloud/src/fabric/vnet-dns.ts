import type { ChildProcess } from 'node:child_process';
import { rename, writeFile } from 'node:fs/promises';
import { spawnInNamespace } from './host-commands.js';
import { platformAddress } from './namespace-plumbing.js';

/**
 * Azure DNS inside one VNet: dnsmasq in the VNet's router namespace on 168.63.129.16, answering the A records
 * of the private zones linked to the VNet from a hosts file; a changed record rewrites the file and SIGHUP makes
 * dnsmasq re-read it at once. Other names are answered NXDOMAIN, as no upstream is reachable.
 */
export class VnetDns {
  private readonly child: ChildProcess;
  private written = '';

  constructor(
    namespace: string,
    private readonly hostsFile: string,
    initial: string,
  ) {
    this.written = initial;
    this.child = spawnInNamespace(namespace, [
      'dnsmasq',
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      // Authoritative for every name, as Azure DNS answers them: a known name without the asked type gets NODATA,
      // an unknown one NXDOMAIN; never REFUSED, which resolvers forwarding here would take for a broken server.
      '--local=/#/',
      '--user=root',
      '--pid-file',
      `--listen-address=${platformAddress}`,
      '--bind-interfaces',
      '--local-ttl=1',
      `--addn-hosts=${hostsFile}`,
    ]);
    this.child.stderr!.resume();
    this.child.stdout!.resume();
  }

  /** Writes the records (before the first start as well) and signals dnsmasq when they changed. */
  static async prepare(hostsFile: string, records: { name: string; ip: string }[]): Promise<string> {
    const text = records.map((r) => `${r.ip} ${r.name}`).join('\n') + '\n';
    await writeFile(`${hostsFile}.tmp`, text);
    await rename(`${hostsFile}.tmp`, hostsFile);
    return text;
  }

  async update(records: { name: string; ip: string }[]): Promise<void> {
    const text = records.map((r) => `${r.ip} ${r.name}`).join('\n') + '\n';
    if (text === this.written) return;
    this.written = await VnetDns.prepare(this.hostsFile, records);
    this.child.kill('SIGHUP');
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}
