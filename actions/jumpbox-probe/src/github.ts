import { createGitHubPlatform } from '@azpn/core/github';
import { run } from './run.js';
import { post as postStep } from './post.js';

/** The main step on GitHub; dist/github/index.js runs it. */
export const main = () => run(createGitHubPlatform());

/** The post step on GitHub; dist/github/post.js runs it. */
export const post = () => postStep(createGitHubPlatform());
