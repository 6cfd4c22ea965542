import { createAzureDevOpsPlatform } from '@azpn/core/ado';
import { run } from './run.js';
import { post as postStep } from './post.js';

/** The main step on Azure DevOps; dist/ado/index.js runs it. */
export const main = () => run(createAzureDevOpsPlatform());

/** The post step on Azure DevOps; dist/ado/post.js runs it. */
export const post = () => postStep(createAzureDevOpsPlatform());
