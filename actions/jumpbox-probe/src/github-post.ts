import { createGithubPlatform } from '@azpn/core/github';
import { post } from './post.js';

await post(createGithubPlatform());
