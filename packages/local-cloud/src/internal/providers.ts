import type { CloudPlugin } from './cloud-plugin.js';
import { deploymentsPlugin } from './providers/deployments/index.js';
import { deploymentStacksPlugin } from './providers/deployment-stacks/index.js';
import { networkPlugin } from './providers/network/index.js';
import { computePlugin } from './providers/compute/index.js';
import { privateDnsPlugin } from './providers/private-dns/index.js';
import { containerInstancePlugin } from './providers/container-instance/index.js';
import { gitHubApiPlugin } from './providers/github-api/index.js';
import { azureDevOpsApiPlugin } from './providers/azure-devops-api/index.js';

/**
 * The plug-ins the cloud serves, each a folder under `providers/` that exports one `CloudPlugin`. ARM asks their
 * providers in this order, before its generic resource store (so a provider of a namespace's type goes before any
 * that would take the whole namespace). Adding a provider or an API stand-in is its folder and one line here; see
 * "Adding a provider" in the package README.
 */
export const builtInPlugins: readonly CloudPlugin[] = [
  deploymentsPlugin,
  deploymentStacksPlugin,
  networkPlugin,
  computePlugin,
  privateDnsPlugin,
  containerInstancePlugin,
  gitHubApiPlugin,
  azureDevOpsApiPlugin,
];
