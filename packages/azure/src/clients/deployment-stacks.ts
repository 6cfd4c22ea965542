import { DeploymentStacksClient } from '@azure/arm-resourcesdeploymentstacks';
import type { ArmClientFactory } from '../clients.js';

/** Deployment stacks (`Microsoft.Resources/deploymentStacks`, api-version 2024-03-01), `@azure/arm-resourcesdeploymentstacks`. */
export const deploymentStacksClient: ArmClientFactory<DeploymentStacksClient> = (settings) =>
  new DeploymentStacksClient(settings.credential, settings.subscriptionId, settings.classic);
