import { parse } from 'yaml';
import type { PlannedPackage } from './package-mirror.js';

/** What the boot runner applies from a `#cloud-config`: files to write, packages to install and commands to run. */
export interface CloudConfig {
  writeFiles: { path: string; content: Buffer; permissions?: string; owner?: string }[];
  runcmd: string[];
  /** The `packages` list (names only; a version pin is read as the name). */
  packages: string[];
  /** The primary mirror's URI (`apt.primary[0].uri`); Debian's default when none is given. */
  mirror: string;
  /** apt's `Acquire::Retries` from `apt.conf`; apt's default (3) otherwise. */
  retries: number;
}

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

function readWriteFiles(entries: unknown[]): CloudConfig['writeFiles'] {
  return entries.map((entry) => {
    const file = entry as {
      path?: string;
      content?: string;
      encoding?: string;
      permissions?: string;
      owner?: string;
    };
    if (typeof file.path !== 'string' || !file.path.startsWith('/'))
      throw new Error('A write_files entry of the customData has no absolute path.');
    const encoding = (file.encoding ?? 'text').toLowerCase();
    const raw = file.content ?? '';
    const content =
      encoding === 'b64' || encoding === 'base64' ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    return { path: file.path, content, permissions: file.permissions, owner: file.owner };
  });
}

/** Decodes a VM's base64 customData; anything but `#cloud-config` is refused with one sentence. */
export function parseCustomData(customData: string): CloudConfig {
  const text = Buffer.from(customData, 'base64').toString('utf8');
  if (!text.startsWith('#cloud-config'))
    throw new Error(
      'The scale set customData is not a #cloud-config document; the fabric boots only cloud-config.',
    );
  const document = (parse(text) ?? {}) as {
    write_files?: unknown[];
    runcmd?: unknown[];
    packages?: unknown[];
    apt?: { primary?: { uri?: unknown }[]; conf?: unknown };
  };
  // cloud-init runs a list item as argv and a string item through the shell.
  const runcmd = (document.runcmd ?? []).map((item) =>
    Array.isArray(item) ? item.map((arg) => quote(String(arg))).join(' ') : String(item),
  );
  const packages = (document.packages ?? []).map(
    (item) => String(Array.isArray(item) ? item[0] : item).split('=')[0]!,
  );
  const uri = document.apt?.primary?.[0]?.uri;
  const retries = /Acquire::Retries\s+"?(\d+)"?/.exec(String(document.apt?.conf ?? ''))?.[1];
  return {
    writeFiles: readWriteFiles(document.write_files ?? []),
    runcmd,
    packages,
    mirror: typeof uri === 'string' ? uri.replace(/\/$/, '') : 'http://deb.debian.org/debian',
    retries: retries === undefined ? 3 : Number(retries),
  };
}

/** The install step's plan: the packages to unpack in order, or apt's error when it cannot make one. */
export type InstallPlan = { packages: PlannedPackage[]; indexPath: string } | { error: string };

/**
 * cloud-init's packages step, as shell: `apt-get update` (the mirror's index) and each package's download over the
 * instance's own network, DNS and trust store, with apt's retries (a pause doubling from 1 s up to 30 s), then its
 * checksum and unpacking into the instance's disk. Maintainer scripts are not run. A failure is reported the way
 * cloud-init reports it, and the boot goes on to runcmd, as cloud-init's does.
 */
function packagesStep(config: CloudConfig, plan: InstallPlan): string[] {
  const lines = [
    `  echo ${quote(`packages: installing ${config.packages.join(' ')} from ${config.mirror}`)}`,
    `  fetch() { tries=0; pause=1; while ! curl -fsS --max-time 30 -o "$2" "$1"; do tries=$((tries + 1)); if [ "$tries" -gt ${config.retries} ]; then return 1; fi; echo "packages: retrying $1 in $pause s"; sleep "$pause"; pause=$((pause * 2)); [ "$pause" -le 30 ] || pause=30; done; }`,
    '  mkdir -p /var/lib/apt/lists /var/cache/apt/archives /var/lib/azlc',
    // Unpacked aside, then copied into the overlaid directories only (merged /usr: /lib is /usr/lib), so nothing
    // lands outside the instance's disk.
    '  unpack() { rm -rf /var/cache/azlc-unpack && dpkg-deb -x "$1" /var/cache/azlc-unpack || return 1; for top in /var/cache/azlc-unpack/*; do name=${top##*/}; case $name in bin|sbin|lib|lib32|lib64|libx32) dest=/usr/$name ;; etc|usr|var|opt) dest=/$name ;; *) continue ;; esac; mkdir -p "$dest" && cp -a "$top"/. "$dest"/ || return 1; done; rm -rf /var/cache/azlc-unpack; }',
  ];
  if ('error' in plan)
    return [
      ...lines,
      `  echo ${quote(`packages: ${plan.error}`)}`,
      "  echo 'packages: failed to install packages'",
    ];
  lines.push(
    `  if fetch ${quote(`${config.mirror}/${plan.indexPath}`)} /var/lib/apt/lists/azlc-Packages; then`,
    '    installed=true',
  );
  for (const item of plan.packages) {
    const archive = `/var/cache/apt/archives/${item.filename.split('/').pop()!}`;
    lines.push(
      `    if $installed && fetch ${quote(`${config.mirror}/${item.filename}`)} ${quote(archive)} && echo ${quote(`${item.sha256}  ${archive}`)} | sha256sum -c --status && unpack ${quote(archive)}; then`,
      `      echo ${quote(`${item.name} ${item.version}`)} >> /var/lib/azlc/installed-packages; echo ${quote(`packages: unpacked ${item.name} ${item.version}`)}`,
      `    else installed=false; fi`,
    );
  }
  lines.push(
    "    $installed || echo 'packages: failed to install packages'",
    `  else echo ${quote(`packages: E: Failed to fetch ${config.mirror}/${plan.indexPath}`)}; echo 'packages: failed to install packages'; fi`,
  );
  return lines;
}

/**
 * The boot path of one instance, as a shell script run inside the instance (see InstanceInit): every boot applies
 * the sysctl.d files the instance wrote and starts the units multi-user.target wants (through the image's
 * systemctl), which is how the forwarder's rules and the layers' proxies come back after a reboot; the first boot
 * then applies write_files, installs packages and runs runcmd, in cloud-init's order.
 */
export function bootScript(config: CloudConfig, plan: InstallPlan): string {
  const lines = [
    'set -u',
    'first_boot=true; [ -e /var/lib/cloud/instance/boot-finished ] && first_boot=false',
    // sysctl.d, as systemd-sysctl applies it early in boot; only the per-namespace net.* keys apply here.
    `for f in /etc/sysctl.d/*.conf; do [ -e "$f" ] || continue; sed -n 's/^\\(net\\.[a-z0-9_.]*\\) *= *\\(.*\\)$/\\1 \\2/p' "$f" | while read -r k v; do echo "$v" > "/proc/sys/$(echo "$k" | tr . /)" 2>/dev/null || true; done; done`,
    'for u in /etc/systemd/system/multi-user.target.wants/*; do [ -e "$u" ] || continue; n=$(basename "$u");',
    '  echo "boot: starting $n"; systemctl start "$n" || echo "boot: unit $n failed";',
    'done',
    'if $first_boot; then',
  ];
  for (const file of config.writeFiles) {
    lines.push(
      `  mkdir -p "$(dirname ${quote(file.path)})"`,
      `  printf '%s' ${quote(file.content.toString('base64'))} | base64 -d > ${quote(file.path)}`,
    );
    if (file.permissions !== undefined) lines.push(`  chmod ${quote(file.permissions)} ${quote(file.path)}`);
  }
  if (config.packages.length > 0) lines.push(...packagesStep(config, plan));
  for (const command of config.runcmd)
    lines.push(`  echo ${quote(`runcmd: ${command}`)}`, `  ( ${command} ) || echo 'runcmd failed'`);
  lines.push('  mkdir -p /var/lib/cloud/instance && date > /var/lib/cloud/instance/boot-finished', 'fi');
  return lines.join('\n') + '\n';
}
