import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInternetFile } from '../src/fabric/internet-file.js';

/** The simulated internet as `local-cloud up --fabric --internet FILE` reads it, and its mistakes, one sentence each. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'azpn-internet-file-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function load(content: unknown): Promise<ReturnType<typeof loadInternetFile>> {
  const path = join(dir, 'internet.json');
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return loadInternetFile(path);
}

describe('the internet file', () => {
  it('reads hosts and the mirror, whose folder is relative to the file', async () => {
    const options = await load({
      hosts: [{ name: 'api.example.com', ip: '198.51.100.10', altNames: ['www.example.com'] }],
      mirror: { debDir: '../mirror' },
    });
    expect(options).toEqual({
      hosts: [{ name: 'api.example.com', ip: '198.51.100.10', altNames: ['www.example.com'] }],
      mirror: { debDir: join(dir, '..', 'mirror') },
    });
  });

  it.each([
    ['{', /is not readable JSON/],
    [[], /must hold a JSON object with hosts/],
    [{ hosts: {} }, /hosts of the internet file .* must be a list/],
    [
      { hosts: [{ ip: '198.51.100.10' }] },
      /host 0 of the internet file .* needs a name, a host name such as/,
    ],
    [{ hosts: [{ name: 'https://x.example.com', ip: '198.51.100.10' }] }, /host 0 .* needs a name/],
    [
      { hosts: [{ name: 'x.example.com', ip: '198.51.100' }] },
      /host 0 .* has ip '198\.51\.100', which is not an IPv4/,
    ],
    [{ mirror: {} }, /mirror of the internet file .* needs debDir/],
  ])('refuses %j in one sentence naming it', async (content, message) => {
    await expect(load(content)).rejects.toThrow(message);
  });
});
