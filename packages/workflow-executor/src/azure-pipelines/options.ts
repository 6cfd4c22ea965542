import type { AgentEndpoint } from '@azpn/action-host';

/** Why a run was queued: `Build.Reason`. */
export type BuildReason = 'IndividualCI' | 'BatchedCI' | 'PullRequest' | 'Schedule' | 'Manual';

/** What queued the run. */
export interface PipelineTrigger {
  reason: BuildReason;
  /** `Build.SourceBranch`: `refs/heads/main`, or `refs/pull/7/merge` for a pull request. */
  branch?: string;
  /** `Build.SourceVersion`. */
  commit?: string;
  /**
   * For `PullRequest`: the PR's id, branches, source commit and whether it comes from a fork
   * (`System.PullRequest.*`).
   */
  pullRequest?: {
    id: number;
    sourceBranch: string;
    targetBranch: string;
    sourceCommit?: string;
    isFork?: boolean;
  };
  /** For `Schedule`: the cron that fired (it must be one of the pipeline's `schedules:`). */
  cron?: string;
  /** Files the change touched, for `paths:` filters. */
  changedFiles?: string[];
}

/** How to run an Azure Pipelines YAML file. */
export interface AzurePipelineOptions {
  /** The pipeline file. */
  pipeline: string;
  /** `Build.SourcesDirectory`: the repository; tasks are found in `<workspace>/actions/*\/task.json`. */
  workspace: string;
  trigger: PipelineTrigger;
  /**
   * Where the repository lives: `azure-repos` (pull-request builds come from branch policies, so `pr:` is
   * ignored, as Azure Pipelines ignores it there) or `github` (`pr:` filters pull-request builds).
   */
  repository?: 'azure-repos' | 'github';
  /** owner/name or project/repo: `Build.Repository.Name`. */
  repositoryName?: string;
  /** `Build.Repository.ID`: the Azure Repos repository's GUID. */
  repositoryId?: string;
  /** The organisation and project the run is in: `System.CollectionUri`, `System.TeamProject(Id)`. */
  organization?: { collectionUri: string; project: string; projectId: string };
  /** Runtime parameters given when queuing (`parameters:` defaults fill the rest). */
  parameters?: Record<string, unknown>;
  /** Variables defined in the pipeline's settings (UI) or at queue time; YAML variables win over them. */
  variables?: Record<string, string>;
  /** Secret variables of the pipeline's settings: never in a script's environment unless mapped with `env:`. */
  secretVariables?: Record<string, string>;
  /** Variable groups by name, for `- group:` entries. */
  variableGroups?: Record<string, { variables?: Record<string, string>; secrets?: Record<string, string> }>;
  /** Service connections by the name pipelines use in `azureSubscription:` (resolved to their id). */
  serviceConnections?: Record<string, { id: string; endpoint: AgentEndpoint }>;
  /** Agent-level variables every task gets (`System.OidcRequestUri`, the CA). */
  agentVariables?: Record<string, string>;
  /** Agent-level secret variables every task gets (`System.AccessToken`), never printed. */
  agentSecrets?: Record<string, string>;
  /** Added to every step's process environment (a PATH with the Bicep CLI). */
  agentEnv?: Record<string, string>;
  buildId?: number;
  stepTimeoutMs?: number;
  /** Cancels the run: the running step is interrupted, later steps run only with `always()`/`canceled()`. */
  signal?: AbortSignal;
  /** Called as each step process starts. */
  onStep?: (started: { job: string; step: string; index: number; stage: 'main' | 'post' }) => void;
}
