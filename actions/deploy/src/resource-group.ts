import { UserFacingError, type Platform } from '@azpn/core';
import type { OpenAzure } from '@azpn/azure';
import type { DeployConfig } from './config.js';
import { resourcesClient } from '@azpn/azure/clients/resources';

/** The group's location, or undefined when it does not exist. Reads only. */
export async function findResourceGroup(azure: OpenAzure, name: string): Promise<string | undefined> {
  const group = await azure
    .client(resourcesClient)
    .resourceGroups.get(name)
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode === 404) return undefined;
      throw error;
    });
  return group?.location;
}

/** Creates the group with the tags given; only deploy mode writes, so only it calls this. */
export async function createResourceGroup(
  azure: OpenAzure,
  config: DeployConfig,
  platform: Platform,
): Promise<void> {
  if (!config.location) {
    throw new UserFacingError(
      `The resource group ${config.resourceGroup} does not exist and input location is not set: set location so it can be created.`,
    );
  }
  await azure.client(resourcesClient).resourceGroups.createOrUpdate(config.resourceGroup, {
    location: config.location,
    tags: config.tags,
  });
  platform.log.info(`Created resource group ${config.resourceGroup} in ${config.location}.`);
}
