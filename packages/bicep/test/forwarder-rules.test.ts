import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = resolve(fileURLToPath(import.meta.url), '../../../../bicep/forwarder/forwarder-rules.sh');

interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCommand(
  file: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<ScriptResult> {
  try {
    const { stdout, stderr } = await run(file, args, { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const seedConfig = [
  '# rendered by the module',
  'targets=192.168.42.65 192.168.42.66',
  'port_mappings=8000:8000 2222:22',
  'allowed_sources=10.0.1.0/26 10.2.0.0/24',
  'ssh=false',
  'conntrack_max=65536',
].join('\n');

describe('forwarder-rules.sh, statically', () => {
  it('is clean for shellcheck as POSIX sh', async () => {
    const result = await runCommand('shellcheck', ['--shell=sh', '--severity=style', script]);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });

  it('parses with sh -n', async () => {
    expect((await runCommand('sh', ['-n', script])).code).toBe(0);
  });
});

describe('forwarder-rules.sh --check rejects a bad configuration, naming the value', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'azpn-fwd-check-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function check(config: string): Promise<ScriptResult> {
    const path = join(dir, `${randomBytes(4).toString('hex')}.conf`);
    await writeFile(path, config);
    return runCommand('sh', [script, '--check'], { FORWARDER_CONFIG: path, FORWARDER_HOSTNAME: 'fwd000000' });
  }

  const cases: [string, string, string][] = [
    ['port 0', seedConfig.replace('8000:8000', '0:8000'), "frontend port '0'"],
    ['a target port above 65535', seedConfig.replace('2222:22', '2222:70000'), "target port '70000'"],
    [
      'overlapping CIDRs',
      seedConfig.replace('10.2.0.0/24', '10.0.0.0/16'),
      "'10.0.1.0/26' and '10.0.0.0/16' overlap",
    ],
    [
      'a target inside the allowed range',
      seedConfig.replace('192.168.42.66', '10.2.0.9'),
      "target '10.2.0.9'",
    ],
    ['no targets', seedConfig.replace('targets=192.168.42.65 192.168.42.66', 'targets='), 'no targets'],
    [
      'a CIDR with host bits',
      seedConfig.replace('10.2.0.0/24', '10.2.0.7/24'),
      "'10.2.0.7/24' has host bits",
    ],
    ['a mistyped address', seedConfig.replace('192.168.42.65', '192.168.042.65'), "target '192.168.042.65'"],
    ['a loopback target', seedConfig.replace('192.168.42.65', '127.0.0.1'), "target '127.0.0.1'"],
    ['ssh that is not a boolean', seedConfig.replace('ssh=false', 'ssh=yes'), "ssh is 'yes'"],
    ['an unknown key', `${seedConfig}\nport=8000`, "unknown key 'port'"],
  ];
  it.each(cases)('rejects %s', async (_name, config, named) => {
    const result = await check(config);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(named);
  });

  it('accepts the seed configuration and picks the target from the instance index', async () => {
    const even = await check(seedConfig);
    expect(even.code).toBe(0);
    expect(even.stdout).toContain('to 192.168.42.65');
    const path = join(dir, 'odd.conf');
    await writeFile(path, seedConfig);
    const odd = await runCommand('sh', [script, '--check'], {
      FORWARDER_CONFIG: path,
      FORWARDER_HOSTNAME: 'fwd00000b',
    });
    expect(odd.stdout).toContain('instance index 11: forwarding 8000:8000 2222:22 to 192.168.42.66');
  });
});

/** Rules as iptables-save prints them, without the timestamps and counters that differ between runs. */
function ruleLines(save: string): string[] {
  return save
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.replace(/ \[\d+:\d+\]$/, ''));
}

describe('forwarder-rules.sh in a throwaway network namespace', () => {
  const namespace = `azpn-fwd-${process.pid}-${randomBytes(3).toString('hex')}`;
  let dir: string;
  let env: Record<string, string>;

  const inNamespace = (file: string, args: string[], extra: Record<string, string> = {}) =>
    runCommand('ip', ['netns', 'exec', namespace, file, ...args], { ...env, ...extra });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'azpn-fwd-netns-'));
    env = {
      FORWARDER_CONFIG: join(dir, 'forwarder.conf'),
      FORWARDER_SYSCTL_DIR: join(dir, 'sysctl.d'),
      FORWARDER_SYSTEMD_DIR: join(dir, 'systemd'),
      FORWARDER_HOSTNAME: 'fwd000003',
    };
    await writeFile(env.FORWARDER_CONFIG!, seedConfig);
    const added = await runCommand('ip', ['netns', 'add', namespace]);
    if (added.code !== 0) throw new Error(`ip netns add ${namespace} failed: ${added.stderr}`);
  });

  afterAll(async () => {
    await runCommand('ip', ['netns', 'delete', namespace]);
    await rm(dir, { recursive: true, force: true });
  });

  it('applies the same rules twice, with forwarding sysctls, and persists them for boot', async () => {
    const first = await inNamespace('sh', [script]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const rulesAfterFirst = ruleLines((await inNamespace('iptables-save', [])).stdout);
    const second = await inNamespace('sh', [script]);
    expect(second.code).toBe(0);
    const rulesAfterSecond = ruleLines((await inNamespace('iptables-save', [])).stdout);
    expect(rulesAfterSecond).toEqual(rulesAfterFirst);

    // Index 3 is odd: the second target, as in the seed's hostname-parity split.
    expect(rulesAfterFirst).toEqual(
      expect.arrayContaining([
        ':INPUT DROP',
        '-A INPUT -j FWD-INPUT',
        '-A FWD-INPUT -i lo -j ACCEPT',
        '-A FWD-INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A FWD-INPUT -m conntrack --ctstate INVALID -j DROP',
        '-A FWD-INPUT -j DROP',
        '-A FWD-FORWARD -m conntrack --ctstate DNAT -j ACCEPT',
        '-A PREROUTING -j FWD-PREROUTING',
        '-A FWD-PREROUTING -s 168.63.129.16/32 -p tcp -m tcp --dport 8000 -j DNAT --to-destination 192.168.42.66:8000',
        '-A FWD-PREROUTING -s 10.0.1.0/26 -p tcp -m tcp --dport 8000 -j DNAT --to-destination 192.168.42.66:8000',
        '-A FWD-PREROUTING -s 10.2.0.0/24 -p tcp -m tcp --dport 2222 -j DNAT --to-destination 192.168.42.66:22',
        '-A FWD-OUTPUT -d 127.0.0.1/32 -p tcp -m tcp --dport 8000 -j DNAT --to-destination 192.168.42.66:8000',
        '-A FWD-POSTROUTING -d 192.168.42.66/32 -j MASQUERADE',
      ]),
    );
    expect(rulesAfterFirst.filter((line) => line.includes('FWD-PREROUTING -s'))).toHaveLength(6);
    expect(rulesAfterFirst.some((line) => line.includes('--dport 22 '))).toBe(false);
    expect(rulesAfterFirst.some((line) => line.includes('192.168.42.65'))).toBe(false);

    const sysctls = await inNamespace('cat', [
      '/proc/sys/net/ipv4/ip_forward',
      '/proc/sys/net/ipv4/conf/all/route_localnet',
    ]);
    expect(sysctls.stdout).toBe('1\n1\n');

    const persisted = await readFile(join(dir, 'sysctl.d/60-forwarder.conf'), 'utf8');
    expect(persisted).toContain('net.ipv4.ip_forward = 1');
    expect(persisted).toContain('net.ipv4.conf.all.route_localnet = 1');
    expect(persisted).toContain('net.netfilter.nf_conntrack_max = 65536');
    const unit = await readFile(join(dir, 'systemd/forwarder-rules.service'), 'utf8');
    expect(unit).toContain(`ExecStart=/bin/sh ${script}`);
    expect(unit).toContain(`Environment=FORWARDER_CONFIG=${env.FORWARDER_CONFIG}`);
    expect(await readlink(join(dir, 'systemd/multi-user.target.wants/forwarder-rules.service'))).toBe(
      '../forwarder-rules.service',
    );
    expect(existsSync('/etc/sysctl.d/60-forwarder.conf')).toBe(false);
  });

  it('accepts SSH only when the configuration enables it', async () => {
    const withSsh = join(dir, 'ssh.conf');
    await writeFile(withSsh, seedConfig.replace('ssh=false', 'ssh=true'));
    expect((await inNamespace('sh', [script], { FORWARDER_CONFIG: withSsh })).code).toBe(0);
    const rules = ruleLines((await inNamespace('iptables-save', [])).stdout);
    expect(rules).toContain('-A FWD-INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT');
    expect(rules.indexOf('-A FWD-INPUT -j DROP')).toBeGreaterThan(
      rules.indexOf('-A FWD-INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT'),
    );
  });

  it('changes nothing when the configuration is bad', async () => {
    await inNamespace('iptables', ['-t', 'nat', '-F', 'FWD-PREROUTING']);
    const broken = join(dir, 'broken.conf');
    await writeFile(broken, seedConfig.replace('8000:8000', '8000:0'));
    const result = await inNamespace('sh', [script], { FORWARDER_CONFIG: broken });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("target port '0'");
    const rules = ruleLines((await inNamespace('iptables-save', ['-t', 'nat'])).stdout);
    expect(rules.filter((line) => line.startsWith('-A FWD-PREROUTING'))).toEqual([]);
  });
});
