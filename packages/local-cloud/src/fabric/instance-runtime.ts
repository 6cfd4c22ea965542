import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { spawnInNamespace } from './host-commands.js';

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** What an instance's root is built from. */
export interface InstanceRoot {
  hostname: string;
  /** The instance's disk: the overlays' upper and work directories, kept across reboots. */
  diskDir: string;
  /** The image layer (see buildInstanceImage), between the host's directories and the disk. */
  imageDir: string;
  /** Its resolvers: the VNet's DNS servers, Azure DNS when the VNet names none. */
  nameservers: string[];
}

/**
 * Shell lines that give the calling process the instance's host name and root: overlays of the host's /etc, /usr,
 * /var and /opt under the image layer and the instance's disk, a private /run and /tmp as a VM has, and the
 * resolv.conf DHCP would write from the VNet's DNS servers.
 */
export function instanceRootLines(root: InstanceRoot): string[] {
  const lines = ['set -u', `hostname ${quote(root.hostname)}`];
  for (const dir of ['etc', 'usr', 'var', 'opt']) {
    const image = ['etc', 'usr'].includes(dir) ? `${root.imageDir}/${dir}:` : '';
    lines.push(
      `mkdir -p ${quote(`${root.diskDir}/upper/${dir}`)} ${quote(`${root.diskDir}/work/${dir}`)}`,
      `mount -t overlay overlay -o lowerdir=${image}/${dir},upperdir=${root.diskDir}/upper/${dir},workdir=${root.diskDir}/work/${dir} /${dir} || exit 70`,
    );
  }
  lines.push(
    'mount -t tmpfs -o mode=0755 tmpfs /run || exit 71',
    'mount -t tmpfs -o mode=1777 tmpfs /tmp || exit 72',
    // The host's resolv.conf (often a symlink into the host's /run) is replaced, not followed.
    `rm -f /etc/resolv.conf && printf '%s\\n' ${root.nameservers.map((ip) => quote(`nameserver ${ip}`)).join(' ')} > /etc/resolv.conf`,
  );
  return lines;
}

/**
 * An instance's init: one long-lived process in the instance's network, UTS and mount namespaces that holds its
 * root, so its boot, its services and every command run in it share one mount namespace, as on a VM. It ends
 * with the instance's network namespace (the fabric kills every process inside when it removes one).
 */
export class InstanceInit {
  private readonly child: ChildProcess;
  /** Resolves with the init's pid once the root is mounted; rejects with the mount's error. */
  readonly ready: Promise<number>;

  constructor(namespace: string, root: InstanceRoot) {
    const script = [...instanceRootLines(root), "echo 'azlc-init ready'", 'exec sleep infinity'].join('\n');
    this.child = spawnInNamespace(namespace, [
      'unshare',
      '-m',
      '-u',
      '--propagation',
      'private',
      'sh',
      '-c',
      script,
    ]);
    this.child.stdin!.end();
    let errors = '';
    this.child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    this.ready = new Promise((resolve, reject) => {
      createInterface({ input: this.child.stdout! }).on('line', (line) => {
        if (line === 'azlc-init ready') resolve(this.child.pid!);
      });
      this.child.on('exit', (code) =>
        reject(
          new Error(
            `The instance ${root.hostname} did not start (init exited with ${code}): ${errors.trim()}`,
          ),
        ),
      );
    });
  }

  /** The argv that runs a command inside the instance (its namespaces, from /). */
  static command(pid: number, argv: string[]): string[] {
    return ['nsenter', '-t', String(pid), '-m', '-u', '-n', '--wd=/', '--', ...argv];
  }
}
