import { parse } from 'yaml';

/** What the boot runner applies from a `#cloud-config`: the files to write and the commands to run. */
export interface CloudConfig {
  writeFiles: { path: string; content: Buffer; permissions?: string; owner?: string }[];
  runcmd: string[];
}

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** Decodes a VM's base64 customData; anything but `#cloud-config` is refused with one sentence. */
export function parseCustomData(customData: string): CloudConfig {
  const text = Buffer.from(customData, 'base64').toString('utf8');
  if (!text.startsWith('#cloud-config'))
    throw new Error(
      'The scale set customData is not a #cloud-config document; the fabric boots only cloud-config.',
    );
  const document = (parse(text) ?? {}) as { write_files?: unknown[]; runcmd?: unknown[] };
  const writeFiles = (document.write_files ?? []).map((entry) => {
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
  // cloud-init runs a list item as argv and a string item through the shell.
  const runcmd = (document.runcmd ?? []).map((item) =>
    Array.isArray(item) ? item.map((arg) => quote(String(arg))).join(' ') : String(item),
  );
  return { writeFiles, runcmd };
}

/** Shell lines that give a process the instance's host name and its disk: overlays whose upper layers persist. */
export function instanceMounts(hostname: string, diskDir: string): string[] {
  const lines = ['set -u', `hostname ${quote(hostname)}`];
  for (const dir of ['etc', 'usr', 'var', 'opt']) {
    lines.push(
      `mkdir -p ${quote(`${diskDir}/upper/${dir}`)} ${quote(`${diskDir}/work/${dir}`)}`,
      `mount -t overlay overlay -o lowerdir=/${dir},upperdir=${diskDir}/upper/${dir},workdir=${diskDir}/work/${dir} /${dir} || exit 70`,
    );
  }
  // The instance resolves through Azure DNS; the host's resolv.conf (often a symlink) is replaced, not followed.
  lines.push(`rm -f /etc/resolv.conf && echo 'nameserver 168.63.129.16' > /etc/resolv.conf`);
  return lines;
}

/**
 * The boot path of one instance, as a shell script run inside the instance's network, UTS and private mount
 * namespaces with overlays over /etc, /usr, /var and /opt: the first boot applies write_files and runcmd (as
 * cloud-init's per-instance modules do); every boot applies the persisted sysctl.d files and starts the enabled
 * oneshot systemd units of multi-user.target, which is how the forwarder's rules come back after a reboot.
 */
export function bootScript(config: CloudConfig, hostname: string, diskDir: string): string {
  const lines = instanceMounts(hostname, diskDir);
  lines.push(
    'first_boot=true; [ -e /var/lib/cloud/instance/boot-finished ] && first_boot=false',
    // Only what the instance itself wrote counts (the upper layer): the host's own units and sysctls never run.
    // sysctl.d, as systemd-sysctl applies it early in boot; only the per-namespace net.* keys apply here.
    `for f in ${diskDir}/upper/etc/sysctl.d/*.conf; do [ -e "$f" ] || continue; sed -n 's/^\\(net\\.[a-z0-9_.]*\\) *= *\\(.*\\)$/\\1 \\2/p' "$f" | while read -r k v; do echo "$v" > "/proc/sys/$(echo "$k" | tr . /)" 2>/dev/null || true; done; done`,
    // Enabled oneshot units: their Environment and ExecStart lines.
    `for u in ${diskDir}/upper/etc/systemd/system/multi-user.target.wants/*.service; do [ -e "$u" ] || continue;`,
    '  env=$(sed -n "s/^Environment=//p" "$u"); cmd=$(sed -n "s/^ExecStart=//p" "$u");',
    '  echo "boot: starting $(basename "$u")"; (if [ -n "$env" ]; then eval "export $env"; fi; eval "$cmd") || echo "boot: unit $(basename "$u") failed";',
    'done',
    'if $first_boot; then',
  );
  for (const file of config.writeFiles) {
    lines.push(
      `  mkdir -p "$(dirname ${quote(file.path)})"`,
      `  printf '%s' ${quote(file.content.toString('base64'))} | base64 -d > ${quote(file.path)}`,
    );
    if (file.permissions !== undefined) lines.push(`  chmod ${quote(file.permissions)} ${quote(file.path)}`);
  }
  for (const command of config.runcmd)
    lines.push(`  echo ${quote(`runcmd: ${command}`)}`, `  ( ${command} ) || echo 'runcmd failed'`);
  lines.push('  mkdir -p /var/lib/cloud/instance && date > /var/lib/cloud/instance/boot-finished', 'fi');
  return lines.join('\n') + '\n';
}
