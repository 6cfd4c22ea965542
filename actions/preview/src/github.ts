import { createGitHubPlatform } from '@azpn/core/github';
import { run } from './run.js';

await run(createGitHubPlatform());
