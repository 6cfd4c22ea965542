import { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import type { ArmClientFactory } from '../clients.js';

/** Container groups: start, stop, exec (`@azure/arm-containerinstance`). */
export const containerInstancesClient: ArmClientFactory<ContainerInstanceManagementClient> = (settings) =>
  new ContainerInstanceManagementClient(settings.credential, settings.subscriptionId, settings.classic);
