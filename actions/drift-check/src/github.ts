import { createGitHubPlatform } from '@azpn/core/github';
import { gitHubSettings } from './platform-settings.js';
import { run } from './run.js';

/** The main step on GitHub; dist/github/index.js runs it. */
export const main = () => {
  const platform = createGitHubPlatform();
  return run(platform, gitHubSettings(platform, process.env));
};
