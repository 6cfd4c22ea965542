import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import type { ArmClientFactory } from '../clients.js';

/** Private DNS zones and their record sets (`@azure/arm-privatedns`). */
export const privateDnsClient: ArmClientFactory<PrivateDnsManagementClient> = (settings) =>
  new PrivateDnsManagementClient(settings.credential, settings.subscriptionId, settings.classic);
