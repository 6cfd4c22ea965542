import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import type { ArmClientFactory } from '../clients.js';

/**
 * Deployments: validate, what-if, create and their operations (`@azure/arm-resourcesdeployments`, which took
 * them over from `@azure/arm-resources` 7).
 */
export const deploymentsClient: ArmClientFactory<DeploymentsClient> = (settings) =>
  new DeploymentsClient(settings.credential, settings.subscriptionId, settings.modular);
