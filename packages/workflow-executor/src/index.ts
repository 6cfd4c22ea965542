export { runGitHubWorkflow } from './github/workflow-run.js';
export type { GitHubWorkflowOptions } from './github/options.js';
export type {
  Conclusion,
  Concurrency,
  JobResult,
  JobToken,
  JobTokenRequest,
  PullRequestFacts,
  StepResult,
  StepStarted,
  WorkflowRunResult,
} from './github/results.js';
export {
  pullRequestEvent,
  pushEvent,
  scheduleEvent,
  sha,
  workflowDispatchEvent,
  type GitHubEvent,
  type PullRequestOptions,
  type RepositoryOptions,
} from './github/events.js';
export { WorkflowRefusedError } from './github/workflow-file.js';
export type { JobPermissions, PermissionLevel } from './github/permissions.js';
export type { MatrixLeg } from './github/matrix.js';
export { lintWorkflow, type WorkflowLintFinding } from './actionlint/lint-workflow.js';
export type { LintFinding } from './actionlint/actionlint-wasm.js';
export {
  holdAzureReposPullRequest,
  localCloudAgentSettings,
  localCloudGitHubSettings,
  type AzureReposPullRequest,
  type LocalCloudGitHubSettings,
} from './local-cloud-runner.js';
export { runAzurePipeline } from './azure-pipelines/pipeline-run.js';
export type { AzurePipelineOptions, BuildReason, PipelineTrigger } from './azure-pipelines/options.js';
export type {
  AzureJobResult,
  AzureResult,
  AzureStepResult,
  PipelineRunResult,
} from './azure-pipelines/results.js';
export { PipelineRefusedError } from './azure-pipelines/pipeline-errors.js';
