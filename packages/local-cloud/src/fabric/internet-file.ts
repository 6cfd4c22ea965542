import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ipv4Number } from './ipv4.js';
import type { InternetOptions, PublicHost } from './public-internet.js';

const hostName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function checkAddress(value: unknown, where: string): string {
  if (typeof value !== 'string')
    throw new Error(`The ${where} needs an ip, an IPv4 address such as 198.51.100.10.`);
  try {
    ipv4Number(value);
  } catch {
    throw new Error(`The ${where} has ip '${value}', which is not an IPv4 address such as 198.51.100.10.`);
  }
  return value;
}

function readHost(value: unknown, where: string): PublicHost {
  const host = (value ?? {}) as Partial<PublicHost>;
  if (typeof host.name !== 'string' || !hostName.test(host.name))
    throw new Error(`The ${where} needs a name, a host name such as api.example.com.`);
  const altNames = host.altNames ?? [];
  if (!Array.isArray(altNames) || altNames.some((n) => typeof n !== 'string' || !hostName.test(n)))
    throw new Error(`The ${where} has altNames that are not all host names.`);
  if (host.reply !== undefined && typeof host.reply !== 'string')
    throw new Error(`The ${where} has a reply that is not a string.`);
  return {
    name: host.name,
    ip: checkAddress(host.ip, where),
    altNames,
    ...(host.reply ? { reply: host.reply } : {}),
  };
}

/**
 * Reads the simulated internet for the fabric from a JSON file: `{ hosts?: [{ name, ip, altNames?, reply? }],
 * mirror?: { debDir, name?, ip? } }`, `debDir` relative to the file. Each mistake is one sentence naming it.
 */
export async function loadInternetFile(path: string): Promise<InternetOptions> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`The internet file ${path} is not readable JSON (${(error as Error).message}).`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`The internet file ${path} must hold a JSON object with hosts and, optionally, mirror.`);
  const { hosts, mirror } = parsed as { hosts?: unknown; mirror?: unknown };
  if (hosts !== undefined && !Array.isArray(hosts))
    throw new Error(`The hosts of the internet file ${path} must be a list.`);
  const options: InternetOptions = {
    hosts: (hosts ?? []).map((host, i) => readHost(host, `host ${i} of the internet file ${path}`)),
  };
  if (mirror !== undefined) {
    const { debDir, name, ip } = (mirror ?? {}) as { debDir?: unknown; name?: unknown; ip?: unknown };
    const where = `mirror of the internet file ${path}`;
    if (typeof debDir !== 'string')
      throw new Error(`The ${where} needs debDir, the folder of its .deb files.`);
    if (name !== undefined && (typeof name !== 'string' || !hostName.test(name)))
      throw new Error(`The ${where} has a name that is not a host name.`);
    options.mirror = {
      debDir: resolve(dirname(path), debDir),
      ...(name === undefined ? {} : { name: name as string }),
      ...(ip === undefined ? {} : { ip: checkAddress(ip, where) }),
    };
  }
  return options;
}
