import { ResourceManagementClient } from '@azure/arm-resources';
import type { ArmClientFactory } from '../clients.js';

/** Resource groups and generic resources (`@azure/arm-resources`). */
export const resourcesClient: ArmClientFactory<ResourceManagementClient> = (settings) =>
  new ResourceManagementClient(settings.credential, settings.subscriptionId, settings.classic);
