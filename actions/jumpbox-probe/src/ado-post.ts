import { createAzureDevOpsPlatform } from '@azpn/core/ado';
import { post } from './post.js';

await post(createAzureDevOpsPlatform());
