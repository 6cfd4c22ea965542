import { createAzureDevOpsPlatform } from '@azpn/core/ado';
import { run } from './run.js';

/** The main step on Azure DevOps; dist/ado/index.js runs it. */
export const main = () => run(createAzureDevOpsPlatform());
