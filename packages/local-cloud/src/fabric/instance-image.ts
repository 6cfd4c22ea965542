import { lstat, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './host-commands.js';

/** What the image layer adds over the host's /etc and /usr. */
export interface InstanceImageOptions {
  /** CA certificates (PEM) the image trusts besides the host's: the simulated internet's public CA. */
  extraCaPem: string[];
  /** Packages the image lacks although the host has them: the mirror's, which instances must install. */
  hiddenPackages: string[];
}

const standIns = ['systemctl', 'journalctl'];
/** Directories an instance starts with empty: only what it writes itself is enabled or applied at boot. */
const emptyDirectories = ['/etc/systemd/system', '/etc/sysctl.d'];

/** Files of a host package below /etc or /usr, by their real path (Debian's merged /usr lists /bin/x as /usr/bin/x). */
async function packageFiles(name: string): Promise<string[]> {
  const listed = await runCommand('dpkg-query', ['-L', name]).catch(() => '');
  const files: string[] = [];
  for (const path of listed.split('\n').filter((p) => p.startsWith('/'))) {
    const stat = await lstat(path).catch(() => undefined);
    if (stat === undefined || stat.isDirectory()) continue;
    const real = join(await realpath(dirname(path)), path.split('/').pop()!);
    if (real.startsWith('/usr/') || real.startsWith('/etc/')) files.push(real);
  }
  return files;
}

/**
 * Builds the image layer every instance boots from, in `dir` (its `etc` and `usr` go between the host's directories
 * and the instance's own disk): the fabric's systemctl and journalctl stand-ins, the host's CA bundle with the
 * extra CAs, and overlay whiteouts that hide the host's systemd units and sysctl files and every file of the
 * hidden packages, so a program the image does not have stays absent until the instance installs it.
 */
export async function buildInstanceImage(dir: string, options: InstanceImageOptions): Promise<void> {
  await mkdir(join(dir, 'usr', 'bin'), { recursive: true });
  await mkdir(join(dir, 'etc', 'ssl', 'certs'), { recursive: true });
  for (const name of standIns) {
    const source = fileURLToPath(new URL(`./instance-image/${name}`, import.meta.url));
    await writeFile(join(dir, 'usr', 'bin', name), await readFile(source), { mode: 0o755 });
  }
  const hostBundle = await readFile('/etc/ssl/certs/ca-certificates.crt', 'utf8').catch(() => '');
  await writeFile(
    join(dir, 'etc', 'ssl', 'certs', 'ca-certificates.crt'),
    hostBundle + options.extraCaPem.join(''),
  );
  const hidden = [...emptyDirectories];
  for (const name of options.hiddenPackages) hidden.push(...(await packageFiles(name)));
  // An overlay whiteout is a 0/0 character device; it hides the path in every layer below it.
  await runCommand(
    'sh',
    [
      '-c',
      'for p; do mkdir -p "$(dirname "$p")" && rm -rf "$p" && mknod "$p" c 0 0 || exit 1; done',
      'sh',
    ].concat(hidden.map((path) => join(dir, path))),
  );
}
