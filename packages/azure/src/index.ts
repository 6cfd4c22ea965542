/**
 * `@azpn/azure`: the one place the suite talks to Azure from. It resolves the cloud, builds the credential,
 * builds the SDK clients, waits on long-running operations and turns Azure's errors into sentences. The clients'
 * factories are not exported here but each from its own module, `@azpn/azure/clients/<name>`, so that a bundle
 * carries only the SDK packages it calls.
 */
export {
  checkCloudInput,
  metadataApiVersion,
  resolveCloud,
  resourceManagerScope,
  wellKnownClouds,
} from './cloud.js';
export type { CloudDefinition, CloudSuffixes, ResolveCloudOptions, WellKnownCloudName } from './cloud.js';
export {
  chooseAutomatically,
  createCredential,
  credentialConfigFromServiceConnection,
  defaultCredentialOrder,
  githubTokenAudience,
} from './credentials.js';
export type { AutomaticCredentialKind, CredentialConfig, SelectedCredential } from './credentials.js';
export { createArmConnection, userAgentPrefix } from './clients.js';
export type {
  ArmClientFactory,
  ArmClientOptions,
  ArmClientSettings,
  ArmConnection,
  ArmExchange,
  ClassicClientOptions,
  ModularClientOptions,
} from './clients.js';
export type { DeploymentStack, ManagedResourceReference } from '@azure/arm-resourcesdeploymentstacks';
export {
  armErrorCauses,
  armErrorTreeLines,
  describeAzureError,
  formatAzureError,
  toUserFacingError,
} from './errors.js';
export type { AzureErrorDescription, AzureErrorDetail, DescribeOptions } from './errors.js';
export { failedDeploymentOperations } from './deployment-operations.js';
export type { FailedOperation } from './deployment-operations.js';
export { pollWithProgress } from './progress.js';
export type { PollBackoff } from './progress.js';
export type { ProgressPoller } from './progress.js';
export { azureMessages } from './messages.js';
export { azpnVersion } from './version.js';
export { parseResourceGroupResourceId, resourceGroupResourceIdProblem } from './resource-id.js';
export { namedResourceTypes, resourceNameProblem } from './resource-names.js';
export type { NamedResourceKind } from './resource-names.js';
export { checkResourceName, optionalResourceNameInput, resourceNameInput } from './name-inputs.js';
export type { ResourceGroupResource } from './resource-id.js';
export { azureConnectionInputs, openAzure, readAzureConnection } from './connection.js';
export type { AzureConnection, OpenAzure } from './connection.js';
