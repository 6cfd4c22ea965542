import { readFile } from 'node:fs/promises';
import type { OnPremSite } from './fabric.js';
import { parsePrefix, prefixContains } from './ipv4.js';

/**
 * Reads on-prem sites for the fabric from a JSON file: an array of
 * `{ attachTo, prefixes, servers: [{ name, ip, http?: [{ port, reply }], echo?: [port],
 * https?: [{ port, reply, certPem, keyPem }] }] }`.
 */
export async function loadOnPremFile(path: string): Promise<OnPremSite[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`The on-prem file ${path} is not readable JSON (${(error as Error).message}).`, {
      cause: error,
    });
  }
  if (!Array.isArray(parsed)) throw new Error(`The on-prem file ${path} must hold a JSON array of sites.`);
  return parsed.map((site: Partial<OnPremSite>, index) => {
    const where = `site ${index} of ${path}`;
    if (typeof site.attachTo !== 'string')
      throw new Error(`The ${where} needs attachTo, the name of a VNet.`);
    if (!Array.isArray(site.prefixes) || site.prefixes.length === 0)
      throw new Error(`The ${where} needs prefixes, one or more CIDRs such as 172.31.42.0/24.`);
    const prefixes = site.prefixes.map(parsePrefix);
    for (const server of site.servers ?? []) {
      if (typeof server.name !== 'string' || typeof server.ip !== 'string')
        throw new Error(`Every server of the ${where} needs a name and an ip.`);
      if (!prefixes.some((p) => prefixContains(p, server.ip)))
        throw new Error(
          `Server '${server.name}' of the ${where} has ${server.ip}, outside the site's prefixes.`,
        );
    }
    return { attachTo: site.attachTo, prefixes: site.prefixes, servers: site.servers ?? [] };
  });
}
