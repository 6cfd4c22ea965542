import { createGitHubPlatform } from '@azpn/core/github';
import { post } from './post.js';

await post(createGitHubPlatform());
