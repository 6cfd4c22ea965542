import type { Exchange } from './http/exchange.js';
import type { ArmContext } from './arm/arm-context.js';
import type { ArmRoute } from './arm/arm-router.js';
import { routeNetwork } from './network/network-router.js';
import { routeDeployments } from './deployments/deployments-router.js';
import { routeCompute } from './compute/compute-router.js';
import { routePrivateDns } from './private-dns/private-dns-router.js';
import { routeContainerInstance } from './container-instance/container-instance-router.js';

/** Routes the calls one resource provider (or ARM's deployments service) answers; undefined when not its path. */
export type ProviderRouter = (exchange: Exchange, context: ArmContext) => ArmRoute | undefined;

/**
 * The emulated providers, asked in order before the generic resource store. Each lives in its own folder, so a
 * provider is added by one line here.
 */
export const providerRouters: ProviderRouter[] = [
  routeDeployments,
  routeNetwork,
  routeCompute,
  routePrivateDns,
  routeContainerInstance,
];
