import { NetworkManagementClient } from '@azure/arm-network';
import type { ArmClientFactory } from '../clients.js';

/**
 * Virtual networks, private endpoints, network interfaces (`@azure/arm-network`). The largest SDK package by far
 * (about 1.2 MB minified, since its client builds every operation group): import it only where it is called.
 */
export const networkClient: ArmClientFactory<NetworkManagementClient> = (settings) =>
  new NetworkManagementClient(settings.credential, settings.subscriptionId, settings.classic);
