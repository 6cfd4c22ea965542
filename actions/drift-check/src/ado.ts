import { createAzureDevOpsPlatform } from '@azpn/core/ado';
import { azureDevOpsSettings } from './platform-settings.js';
import { run } from './run.js';

const platform = createAzureDevOpsPlatform();
await run(platform, azureDevOpsSettings(platform, process.env));
