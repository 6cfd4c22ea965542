import { createGitHubPlatform } from '@azpn/core/github';
import { run } from './run.js';

/** The main step on GitHub; dist/github/index.js runs it. */
export const main = () => run(createGitHubPlatform());
