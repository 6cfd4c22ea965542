import { ipBatch, namespaceSysctls, runCommand } from './host-commands.js';
import { parsePrefix } from './ipv4.js';

/** The address Azure's platform services use inside every VNet: DNS, and the load balancer's probes. */
export const platformAddress = '168.63.129.16';

/** Creates an empty namespace with loopback up and the sysctls of a router or a host. */
export async function createNamespace(namespace: string, router: boolean): Promise<void> {
  // A creation that failed halfway left the namespace behind; the retry starts from nothing.
  await deleteNamespace(namespace);
  await runCommand('ip', ['netns', 'add', namespace]);
  await ipBatch(namespace, ['link set lo up']);
  await namespaceSysctls(namespace, {
    'net.ipv4.ip_forward': router ? '1' : '0',
    'net.ipv4.conf.all.rp_filter': '0',
    'net.ipv4.conf.default.rp_filter': '0',
    'net.ipv4.conf.all.send_redirects': '0',
    'net.ipv4.conf.default.send_redirects': '0',
  });
}

/** Deletes a namespace after killing every process still inside it. */
export async function deleteNamespace(namespace: string): Promise<void> {
  const pids = await runCommand('ip', ['netns', 'pids', namespace]).catch(() => '');
  for (const pid of pids.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await runCommand('ip', ['netns', 'delete', namespace]).catch(() => undefined);
}

/**
 * Joins a host namespace to its VNet router as Azure does: every packet goes through the gateway (.1), even to
 * neighbours in the same subnet, so the router sees and translates all of it. The host keeps its address with
 * the subnet's length but without the on-link route; the router holds the gateway on the host's veth and a /32
 * route back.
 */
export async function attachHost(
  router: string,
  routerLink: string,
  host: string,
  hostLink: string,
  address: string,
  subnetPrefix: string,
  gateway: string,
  defaultRoute = true,
): Promise<void> {
  const { bits, text } = parsePrefix(subnetPrefix);
  await ipBatch(router, [
    `link add ${routerLink} type veth peer name ${hostLink} netns ${host}`,
    `addr add ${gateway}/32 dev ${routerLink}`,
    `link set ${routerLink} up`,
    `route add ${address}/32 dev ${routerLink}`,
  ]);
  await ipBatch(host, [
    `addr add ${address}/${bits} dev ${hostLink} noprefixroute`,
    `link set ${hostLink} up`,
    `route add ${gateway}/32 dev ${hostLink} scope link`,
    `route add ${text} via ${gateway} dev ${hostLink} onlink`,
    ...(defaultRoute ? [`route add default via ${gateway} dev ${hostLink} onlink`] : []),
  ]);
}

/** Links two router namespaces by a veth pair with a /31 of 100.64.0.0/10 (never an Azure or test range). */
export async function linkRouters(
  a: string,
  b: string,
  linkName: string,
  pairIndex: number,
): Promise<{ aAddress: string; bAddress: string }> {
  const base = 100 * 2 ** 24 + 64 * 2 ** 16 + pairIndex * 2;
  const text = (value: number) => [24, 16, 8, 0].map((s) => Math.floor(value / 2 ** s) % 256).join('.');
  const aAddress = text(base);
  const bAddress = text(base + 1);
  await ipBatch(a, [
    `link add ${linkName} type veth peer name ${linkName} netns ${b}`,
    `addr add ${aAddress}/31 dev ${linkName}`,
    `link set ${linkName} up`,
  ]);
  await ipBatch(b, [`addr add ${bAddress}/31 dev ${linkName}`, `link set ${linkName} up`]);
  return { aAddress, bAddress };
}
