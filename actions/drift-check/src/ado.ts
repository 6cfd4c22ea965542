import { createAzureDevOpsPlatform } from '@azpn/core/ado';
import { azureDevOpsSettings } from './platform-settings.js';
import { run } from './run.js';

/** The main step on Azure DevOps; dist/ado/index.js runs it. */
export const main = () => {
  const platform = createAzureDevOpsPlatform();
  return run(platform, azureDevOpsSettings(platform, process.env));
};
