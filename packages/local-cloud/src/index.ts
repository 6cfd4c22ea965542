export { startLocalCloud, type LocalCloud, type LocalCloudOptions } from './start-local-cloud.js';
export type { CloudDescription, PrincipalDescription, GitHubJobDescription } from './cloud-description.js';
export {
  LocalCloudAdmin,
  type FaultRequest,
  type GitHubJobRequest,
  type CallRecord,
  type StoredRecord,
} from './local-cloud-admin.js';
export { cloudRequest, trustCloudCa, type CloudResponse } from './cloud-https.js';
export { loadScenarioFile } from './scenario/load-scenario.js';
export { parseScenario, parseScenarioText } from './scenario/parse-scenario.js';
export { defaultScenario, defaultIds } from './scenario/default-scenario.js';
export {
  githubRunnerEnvironment,
  azureDevOpsAgentEnvironment,
  type AgentServiceConnection,
} from './agent-environment.js';
export { ScenarioError } from './scenario/fields.js';
export type * from './scenario/types.js';
export type { Fabric, FabricOptions, OnPremSite } from './fabric/fabric.js';
export type { InternetOptions, PublicHost } from './fabric/public-internet.js';
