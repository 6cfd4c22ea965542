import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = resolve(fileURLToPath(import.meta.url), '../../../../bicep/forwarder/forwarder-rules.sh');

/**
 * Real TCP through the rules: client ─ forwarder ─ target, three network namespaces joined by veth
 * pairs. The target echoes the peer address it sees, which shows the MASQUERADE; connecting from the
 * load balancer's address, from an allowed range, from the forwarder itself (the health extension's
 * 127.0.0.1) and from a range that is not allowed shows the DNAT and the default deny.
 */
describe('forwarder-rules.sh forwards real connections between network namespaces', () => {
  const suffix = `${process.pid}-${randomBytes(2).toString('hex')}`;
  const client = `azpn-c-${suffix}`;
  const forwarder = `azpn-f-${suffix}`;
  const target = `azpn-t-${suffix}`;
  let dir: string;
  let server: ChildProcess | undefined;

  const inside = (namespace: string, ...command: string[]) =>
    run('ip', ['netns', 'exec', namespace, ...command]);

  /** One TCP connection to the forwarder; returns what the target said, or '' when nothing answered. */
  async function connect(from: string, address: string, bind?: string): Promise<string> {
    const options = `connect-timeout=2${bind ? `,bind=${bind}` : ''}`;
    try {
      const { stdout } = await inside(from, 'socat', '-T', '2', '-', `TCP:${address}:8000,${options}`);
      return stdout.trim();
    } catch {
      return '';
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'azpn-fwd-datapath-'));
    for (const namespace of [client, forwarder, target]) await run('ip', ['netns', 'add', namespace]);
    const setup: string[][] = [
      ['link', 'add', 'c0', 'netns', client, 'type', 'veth', 'peer', 'name', 'f0', 'netns', forwarder],
      ['link', 'add', 'f1', 'netns', forwarder, 'type', 'veth', 'peer', 'name', 't0', 'netns', target],
      ['-n', client, 'addr', 'add', '10.0.1.20/26', 'dev', 'c0'],
      ['-n', client, 'addr', 'add', '168.63.129.16/32', 'dev', 'c0'],
      ['-n', client, 'addr', 'add', '10.5.0.5/32', 'dev', 'c0'],
      ['-n', forwarder, 'addr', 'add', '10.0.1.10/26', 'dev', 'f0'],
      ['-n', forwarder, 'addr', 'add', '192.168.42.1/24', 'dev', 'f1'],
      ['-n', target, 'addr', 'add', '192.168.42.65/24', 'dev', 't0'],
    ];
    for (const args of setup) await run('ip', args);
    for (const [namespace, links] of [
      [client, ['lo', 'c0']],
      [forwarder, ['lo', 'f0', 'f1']],
      [target, ['lo', 't0']],
    ] as const) {
      for (const link of links) await run('ip', ['-n', namespace, 'link', 'set', link, 'up']);
    }
    // Replies to the probe address and the refused range go back to the client side.
    await run('ip', ['-n', forwarder, 'route', 'add', '168.63.129.16/32', 'via', '10.0.1.20']);
    await run('ip', ['-n', forwarder, 'route', 'add', '10.5.0.5/32', 'via', '10.0.1.20']);

    server = spawn(
      'ip',
      [
        'netns',
        'exec',
        target,
        'socat',
        'TCP-LISTEN:8000,fork,reuseaddr',
        'SYSTEM:echo from $SOCAT_PEERADDR',
      ],
      { stdio: 'ignore' },
    );
    for (let attempt = 0; attempt < 50; attempt++) {
      const { stdout } = await inside(target, 'ss', '-Htln', 'sport = :8000');
      if (stdout.includes('8000')) break;
      await new Promise((wait) => setTimeout(wait, 100));
    }

    const config = join(dir, 'forwarder.conf');
    await writeFile(
      config,
      'targets=192.168.42.65 192.168.42.66\nport_mappings=8000:8000\nallowed_sources=10.0.1.0/26\nssh=false\n',
    );
    await run('ip', ['netns', 'exec', forwarder, 'sh', script], {
      env: {
        PATH: process.env.PATH ?? '',
        FORWARDER_CONFIG: config,
        FORWARDER_SYSCTL_DIR: join(dir, 'sysctl.d'),
        FORWARDER_SYSTEMD_DIR: join(dir, 'systemd'),
        FORWARDER_HOSTNAME: 'fwd000000',
      },
    });
  });

  afterAll(async () => {
    server?.kill();
    for (const namespace of [client, forwarder, target]) {
      await run('ip', ['netns', 'delete', namespace]).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('forwards an allowed client to the target, masqueraded behind the forwarder', async () => {
    expect(await connect(client, '10.0.1.10')).toBe('from 192.168.42.1');
  });

  it("forwards the load balancer's probe source 168.63.129.16", async () => {
    expect(await connect(client, '10.0.1.10', '168.63.129.16')).toBe('from 192.168.42.1');
  });

  it("forwards the health extension's connection to 127.0.0.1 on the instance itself", async () => {
    expect(await connect(forwarder, '127.0.0.1')).toBe('from 192.168.42.1');
  });

  it('drops a source outside the allowed ranges', async () => {
    expect(await connect(client, '10.0.1.10', '10.5.0.5')).toBe('');
  });
});
