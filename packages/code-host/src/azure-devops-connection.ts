/**
 * A connection to an Azure DevOps collection with the pipeline's token. Callers load this module with `import()`
 * on their first call, so that azure-devops-node-api's set-up is paid only by runs that call it; it is an ES module
 * of ours because a bundle's chunk of a CommonJS package alone would offer its importer only a default export.
 */
import { getBearerHandler, WebApi } from 'azure-devops-node-api';

/** The collection at `collectionUri` (`System.CollectionUri`) as `token` (`System.AccessToken`) reaches it. */
export function connectAzureDevOps(collectionUri: string, token: string): WebApi {
  return new WebApi(collectionUri, getBearerHandler(token));
}
