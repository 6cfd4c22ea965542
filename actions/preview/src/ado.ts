import { createAzureDevOpsPlatform } from '@azpn/core/ado';
import { run } from './run.js';

await run(createAzureDevOpsPlatform());
