import type { CloudPlugin } from '../../cloud-plugin.js';
import { devOpsAdminState, serveDevOpsAdmin } from './devops-admin.js';
import { collectionUri, devOpsPrefix, serveAzureDevOpsApi } from './devops-router.js';
import { devOpsSnapshot } from './devops-snapshot.js';

/**
 * The Azure DevOps REST stand-in: the organisation's collection at `<cloud>/tfs/{organization}/`
 * (`System.CollectionUri`), with Azure Repos pull requests and their comment threads and work items on the Basic
 * process (JSON Patch, WIQL, comments), reached with the pipeline's job access token (`System.AccessToken`) through
 * the official `azure-devops-node-api` client, location discovery included.
 */
export const azureDevOpsApiPlugin: CloudPlugin = {
  name: 'azure-devops-api',
  mount: { prefix: devOpsPrefix, serve: serveAzureDevOpsApi },
  admin: serveDevOpsAdmin,
  adminState: (context) => devOpsAdminState(context.store),
  snapshot: devOpsSnapshot,
  describe: (context) => ({
    collectionUri: collectionUri(context),
    organization: context.azureDevOps.organization,
    project: context.azureDevOps.project,
    projectId: context.azureDevOps.projectId,
  }),
};
