import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * layer-proxy.sh on its own: its checks, and the files it renders run by the real haproxy, nginx and dnsmasq of the
 * package mirror (tools/mirror, from npm run setup) in network namespaces: a client, three layers and an origin
 * with a TLS server and a public DNS. The client validates the origin's certificate through three proxies, so
 * none of them terminates TLS; each proxy's log shows its hop. The fabric's end-to-end test does the same on
 * Azure's resources; this one runs both proxy engines quickly.
 */
const run = promisify(execFile);
const repo = resolve(fileURLToPath(import.meta.url), '../../../..');
const script = join(repo, 'bicep', 'layers', 'layer-proxy.sh');
const mirror = join(repo, 'tools', 'mirror');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function sh(args: string[], env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run('sh', args, { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const allowList = 'api.contoso-plant.example,*.his.arc.azure.com,GBL.his.arc.azure.com,deb.debian.org';

function layerConfig(layer: string, engine: string, fields: Record<string, string>): string {
  return [`layer=${layer}`, `engine=${engine}`, `allow=${allowList}`]
    .concat(Object.entries(fields).map(([key, value]) => `${key}=${value}`))
    .join('\n');
}

describe('layer-proxy.sh, statically', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'azpn-layer-proxy-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function checkConfig(text: string): Promise<Result> {
    const path = join(dir, `${randomBytes(4).toString('hex')}.conf`);
    await writeFile(path, text);
    return sh([script, '--check'], { LAYER_PROXY_CONFIG: path });
  }

  it('is clean for shellcheck as POSIX sh and parses with sh -n', async () => {
    const checked = await run('shellcheck', ['--shell=sh', '--severity=style', script]).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? 'shellcheck failed',
    );
    expect(checked).toBe('');
    expect((await sh(['-n', script])).code).toBe(0);
  });

  it('reads allow-list entries in lower case and says what the layer does', async () => {
    const result = await checkConfig(
      layerConfig('L4', 'nginx', { frontend: '10.40.0.10', next_hop: '', dns_upstream: '168.63.129.16' }),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      'layer L4 (nginx): resolves allowed names with 168.63.129.16 and connects to them; DNS answers allowed names with 10.40.0.10 and forwards the rest to 168.63.129.16',
    );
    expect(result.stdout).toContain('layer-proxy: allow gbl.his.arc.azure.com\n');
  });

  it.each([
    ['engine=envoy', "engine 'envoy' is neither haproxy nor nginx"],
    ['frontend=10.20.0', "frontend '10.20.0' is not the IPv4 address of the layer's load balancer frontend"],
    ['next_hop=10.20.0.10', "next_hop is this layer's own frontend 10.20.0.10: traffic would loop"],
    ['refresh_seconds=0', "refresh_seconds '0' is not a positive whole number"],
    ['colour=blue', "unknown key 'colour' in the configuration"],
    ['layer=L2/x', "layer 'L2/x' is not a name such as L2: letters, digits, - and _"],
    ['allow=a.example.com,,b.example.com', "Allow-list entry '' is empty: remove it or give a host name."],
    [
      'allow=a.example.com, b.example.com',
      "Allow-list entry ' b.example.com' contains spaces: list one host name per entry.",
    ],
    ['allow=', 'The allow-list is empty: list at least one host name, such as deb.debian.org.'],
  ])('refuses %s, naming it', async (line, message) => {
    const base = layerConfig('L2', 'haproxy', {
      frontend: '10.20.0.10',
      next_hop: '10.30.0.10',
      dns_upstream: '10.30.0.10',
    });
    const key = line.split('=')[0]!;
    const text = base.split('\n').some((l) => l.startsWith(`${key}=`))
      ? base.replace(new RegExp(`^${key}=.*$`, 'm'), line)
      : `${base}\n${line}`;
    const result = await checkConfig(text);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`layer-proxy: ${message}\n`);
  });

  it('refuses to run without the userData, saying what to deploy', async () => {
    // Nothing answers on this address: the metadata service of a machine that is not an Azure instance.
    const result = await sh([script, '--check'], { LAYER_PROXY_IMDS: 'http://127.0.0.1:9' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "layer-proxy: the instance metadata service gave no userData: deploy the scale set with the layer's userData\n",
    );
  });
});

describe.each(['haproxy', 'nginx'])('layer-proxy.sh with %s carries TLS from L2 to the origin', (engine) => {
  const id = randomBytes(2).toString('hex');
  const ns = (name: string) => `azpn-lp-${id}-${name}`;
  const hosts = {
    client: '10.20.0.100',
    l2: '10.20.0.10',
    l3: '10.30.0.10',
    l4: '10.40.0.10',
    origin: '198.51.100.101',
    publicDns: '198.51.100.53',
  };
  let dir: string;
  const daemons: ChildProcess[] = [];
  const logs: Record<string, string[]> = {};

  const inside = (name: string, argv: string[]) => run('ip', ['netns', 'exec', ns(name), ...argv]);

  /** Starts a program in a namespace with the mirror's packages over /usr and a private /run, as an instance has. */
  function daemon(name: string, label: string, argv: string[]): void {
    const setup = [
      `mount -t overlay overlay -o lowerdir=${dir}/root/usr:/usr /usr`,
      'mount -t tmpfs tmpfs /run',
      // Whatever a proxy would write under /var/log stays in this namespace, never on the host.
      'mount -t tmpfs tmpfs /var/log',
      'mkdir -p /run/layer-proxy',
      'exec "$@"',
    ].join(' && ');
    const child = spawn(
      'ip',
      ['netns', 'exec', ns(name), 'unshare', '-m', 'sh', '-c', setup, 'sh', ...argv],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    logs[label] = [];
    const collect = (chunk: Buffer) => logs[label]!.push(...chunk.toString().split('\n').filter(Boolean));
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    daemons.push(child);
  }

  async function addHost(name: string, addresses: string[]): Promise<void> {
    await run('ip', ['netns', 'add', ns(name)]);
    await run('ip', ['-n', ns(name), 'link', 'set', 'lo', 'up']);
    await run('ip', [
      'link',
      'add',
      `v${id}${name}`,
      'netns',
      ns('router'),
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      ns(name),
    ]);
    await run('ip', ['-n', ns(name), 'addr', 'add', `${addresses[0]}/32`, 'dev', 'eth0']);
    for (const extra of addresses.slice(1))
      await run('ip', ['-n', ns(name), 'addr', 'add', `${extra}/32`, 'dev', 'lo']);
    for (const args of [
      ['-n', ns(name), 'link', 'set', 'eth0', 'up'],
      ['-n', ns(name), 'route', 'add', '10.255.0.1/32', 'dev', 'eth0'],
      ['-n', ns(name), 'route', 'add', 'default', 'via', '10.255.0.1', 'dev', 'eth0', 'onlink'],
      ['-n', ns('router'), 'link', 'set', `v${id}${name}`, 'up'],
      ['-n', ns('router'), 'addr', 'add', '10.255.0.1/32', 'dev', `v${id}${name}`],
    ])
      await run('ip', args);
    for (const address of addresses)
      await run('ip', ['-n', ns('router'), 'route', 'add', `${address}/32`, 'dev', `v${id}${name}`]);
  }

  async function waitForPort(name: string, port: number): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const { stdout } = await inside(name, ['ss', '-Htln', `sport = :${port}`]);
      if (stdout.includes(`:${port}`)) return;
      await new Promise((wait) => setTimeout(wait, 50));
    }
    throw new Error(`nothing listens on ${port} in ${name}: ${JSON.stringify(logs)}`);
  }

  /** curl from the client: the name resolved by L2's DNS, the origin's certificate checked against the test CA. */
  async function fetch(name: string): Promise<{ ok: boolean; body: string; answer: string }> {
    const { stdout: answer } = await inside('client', [
      'dig',
      '+short',
      '+time=2',
      '+tries=1',
      `@${hosts.l2}`,
      name,
    ]);
    try {
      const { stdout } = await inside('client', [
        'curl',
        '-sS',
        '--max-time',
        '5',
        '--cacert',
        `${dir}/ca.crt`,
        '--resolve',
        `${name}:443:${answer.trim()}`,
        `https://${name}/`,
      ]);
      return { ok: true, body: stdout, answer: answer.trim() };
    } catch (error) {
      return { ok: false, body: String((error as { stderr?: string }).stderr), answer: answer.trim() };
    }
  }

  /** The proxy's hop lines: haproxy logs to its stdout (the journal on an instance), nginx to its log file. */
  async function hops(label: string, sni: string): Promise<string[]> {
    await new Promise((wait) => setTimeout(wait, 200));
    const lines =
      engine === 'nginx'
        ? (await readFile(join(dir, `${label}-log`, 'access.log'), 'utf8').catch(() => '')).split('\n')
        : (logs[label] ?? []);
    return lines.filter((line) => line.includes(`sni=${sni} `));
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `azpn-layer-datapath-${engine}-`));
    await mkdir(join(dir, 'root'));
    for (const deb of readdirSync(mirror).filter((f) => f.endsWith('.deb')))
      await run('dpkg-deb', ['-x', join(mirror, deb), join(dir, 'root')]);
    // A test CA and one origin certificate for every public name.
    const names = [
      'api.contoso-plant.example',
      'westeurope.his.arc.azure.com',
      'gbl.his.arc.azure.com',
      'evil.example',
    ];
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${dir}/ca.key`,
      '-out',
      `${dir}/ca.crt`,
      '-days',
      '1',
      '-subj',
      '/CN=azpn test public CA',
    ]);
    await run('openssl', [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${dir}/origin.key`,
      '-out',
      `${dir}/origin.csr`,
      '-subj',
      '/CN=origin',
    ]);
    await writeFile(`${dir}/san.ext`, `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      `${dir}/origin.csr`,
      '-CA',
      `${dir}/ca.crt`,
      '-CAkey',
      `${dir}/ca.key`,
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      `${dir}/san.ext`,
      '-out',
      `${dir}/origin.crt`,
    ]);
    await writeFile(
      `${dir}/public-dns.conf`,
      [
        'port=53',
        `listen-address=${hosts.publicDns}`,
        'bind-interfaces',
        'no-resolv',
        'no-hosts',
        'user=root',
      ]
        .concat(names.map((n) => `host-record=${n},${hosts.origin}`))
        .join('\n') + '\n',
    );

    await run('ip', ['netns', 'add', ns('router')]);
    await run('ip', ['-n', ns('router'), 'link', 'set', 'lo', 'up']);
    await run('ip', ['netns', 'exec', ns('router'), 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    await addHost('client', [hosts.client]);
    await addHost('l2', [hosts.l2]);
    await addHost('l3', [hosts.l3]);
    await addHost('l4', [hosts.l4]);
    await addHost('origin', [hosts.origin, hosts.publicDns]);

    daemon('origin', 'public-dns', ['dnsmasq', '-k', '-C', `${dir}/public-dns.conf`]);
    daemon('origin', 'origin', [
      'openssl',
      's_server',
      '-accept',
      `${hosts.origin}:443`,
      '-cert',
      `${dir}/origin.crt`,
      '-key',
      `${dir}/origin.key`,
      '-www',
      '-quiet',
    ]);
    const layers = [
      { name: 'l2', layer: 'L2', next: hosts.l3, dns: hosts.l3 },
      { name: 'l3', layer: 'L3', next: hosts.l4, dns: hosts.l4 },
      { name: 'l4', layer: 'L4', next: '', dns: hosts.publicDns },
    ];
    for (const { name, layer, next, dns } of layers) {
      const etc = join(dir, name);
      const frontend = hosts[name as 'l2'];
      await writeFile(
        `${etc}.conf`,
        layerConfig(layer, engine, {
          frontend,
          next_hop: next,
          dns_upstream: dns,
          egress_resolver: hosts.publicDns,
        }),
      );
      const rendered = await sh([script, '--render'], {
        LAYER_PROXY_CONFIG: `${etc}.conf`,
        LAYER_PROXY_ETC: etc,
        LAYER_PROXY_LOG_DIR: `${etc}-log`,
      });
      expect(rendered.stderr).toBe('');
      // The commands of the units the script writes on an instance.
      daemon(name, `${name}-dns`, ['dnsmasq', '-k', '-C', `${etc}/dnsmasq.conf`]);
      if (engine === 'haproxy') daemon(name, name, ['haproxy', '-Ws', '-f', `${etc}/haproxy.cfg`]);
      else daemon(name, name, ['nginx', '-c', `${etc}/nginx.conf`, '-g', 'daemon off;']);
    }
    for (const name of ['l2', 'l3', 'l4']) {
      await waitForPort(name, 443);
      await waitForPort(name, 53);
    }
    await waitForPort('origin', 443);
  }, 60_000);

  afterAll(async () => {
    for (const child of daemons) child.kill('SIGKILL');
    for (const name of ['client', 'l2', 'l3', 'l4', 'origin', 'router']) {
      const pids = await run('ip', ['netns', 'pids', ns(name)]).then(
        (r) => r.stdout,
        () => '',
      );
      for (const pid of pids.split(/\s+/).filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      await run('ip', ['netns', 'delete', ns(name)]).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('an allowed name: L2 DNS answers L2, the client validates the origin, and every proxy logs its hop', async () => {
    const name = 'api.contoso-plant.example';
    const result = await fetch(name);
    expect(result.answer).toBe(hosts.l2);
    expect(result.ok).toBe(true);
    expect(result.body).toContain('s_server');
    expect(await hops('l2', name)).toEqual([expect.stringContaining(`layer=L2 client=${hosts.client}:`)]);
    expect((await hops('l2', name))[0]).toContain(`entry=${name} upstream=${hosts.l3}:443`);
    expect((await hops('l3', name))[0]).toMatch(
      new RegExp(`layer=L3 client=${hosts.l2}:\\d+ sni=${name} entry=${name} upstream=${hosts.l4}:443`),
    );
    expect((await hops('l4', name))[0]).toMatch(
      new RegExp(`layer=L4 client=${hosts.l3}:\\d+ sni=${name} entry=${name} upstream=${hosts.origin}:443`),
    );
  });

  it('a wildcard name goes the same way, logged under its wildcard; an exact entry wins over the wildcard', async () => {
    expect((await fetch('westeurope.his.arc.azure.com')).ok).toBe(true);
    expect((await fetch('gbl.his.arc.azure.com')).ok).toBe(true);
    for (const label of ['l2', 'l3', 'l4']) {
      expect((await hops(label, 'westeurope.his.arc.azure.com'))[0]).toContain('entry=*.his.arc.azure.com ');
      expect((await hops(label, 'gbl.his.arc.azure.com'))[0]).toContain('entry=gbl.his.arc.azure.com ');
    }
  });

  it('a name outside the allow-list resolves publicly but is refused at the first proxy', async () => {
    const { stdout: answer } = await inside('client', [
      'dig',
      '+short',
      '+time=2',
      '+tries=1',
      `@${hosts.l2}`,
      'evil.example',
    ]);
    // Not allowed: L2's DNS forwards it up the layers to the public DNS.
    expect(answer.trim()).toBe(hosts.origin);
    const refused = await inside('client', [
      'curl',
      '-sS',
      '--max-time',
      '5',
      '--cacert',
      `${dir}/ca.crt`,
      '--resolve',
      `evil.example:443:${hosts.l2}`,
      'https://evil.example/',
    ]).then(
      () => 'connected',
      () => 'refused',
    );
    expect(refused).toBe('refused');
    expect((await hops('l2', 'evil.example'))[0]).toMatch(/entry=-? upstream=(-:-|127\.0\.0\.1:4431)/);
    expect(await hops('l3', 'evil.example')).toEqual([]);
  });

  it('DNS: an exact entry answers only itself; a wildcard every name below its domain, not the domain', async () => {
    const dig = async (name: string) =>
      (await inside('client', ['dig', '+short', '+time=2', '+tries=1', `@${hosts.l2}`, name])).stdout.trim();
    expect(await dig('gbl.his.arc.azure.com')).toBe(hosts.l2);
    expect(await dig('a.b.his.arc.azure.com')).toBe(hosts.l2);
    expect(await dig('his.arc.azure.com')).toBe('');
    // IPv4 only: no AAAA for an allowed name, whatever the names above answer.
    const aaaa = await inside('client', [
      'dig',
      '+time=2',
      '+tries=1',
      `@${hosts.l2}`,
      'gbl.his.arc.azure.com',
      'AAAA',
    ]);
    expect(aaaa.stdout).toContain('status: NOERROR');
    expect(aaaa.stdout).toMatch(/ANSWER: 0,/);
    expect(await dig('x.api.contoso-plant.example')).toBe('');
  });
});
