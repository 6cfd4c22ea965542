import { createGitHubPlatform } from '@azpn/core/github';
import { gitHubSettings } from './platform-settings.js';
import { run } from './run.js';

const platform = createGitHubPlatform();
await run(platform, gitHubSettings(platform, process.env));
