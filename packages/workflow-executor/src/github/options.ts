import type { GitHubEvent } from './events.js';
import type { DefaultPermissions } from './permissions.js';
import type { JobToken, JobTokenRequest, StepStarted } from './results.js';

/** How to run a workflow file. */
export interface GitHubWorkflowOptions {
  /** The workflow file. */
  workflow: string;
  /** GITHUB_WORKSPACE: the repository (actions/checkout is a no-op); `./` actions resolve against it. */
  workspace: string;
  event: GitHubEvent;
  /** Repository variables (`vars`). */
  vars?: Record<string, string>;
  /** Repository secrets (`secrets`); none reach a pull request from a fork. */
  secrets?: Record<string, string>;
  /** Variables and secrets of deployment environments, by environment name. */
  environments?: Record<string, { vars?: Record<string, string>; secrets?: Record<string, string> }>;
  /** Added to every step's environment (the CA a test cloud uses, a PATH with the Bicep CLI). */
  runnerEnv?: Record<string, string>;
  /**
   * Mints each job's token from the job's computed permissions, environment and event. The steps get
   * ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN only when the job has `id-token: write`; `githubToken` becomes
   * `secrets.GITHUB_TOKEN` and `github.token`.
   */
  jobToken?: (request: JobTokenRequest) => JobToken | Promise<JobToken>;
  /** The repository's default token permissions for workflows that declare none (`restricted` by default). */
  defaultPermissions?: DefaultPermissions;
  /** GITHUB_SERVER_URL, GITHUB_API_URL (`<server>/api/v3` for an Enterprise Server stand-in), GITHUB_GRAPHQL_URL. */
  serverUrl?: string;
  apiUrl?: string;
  graphqlUrl?: string;
  runId?: number;
  runNumber?: number;
  runAttempt?: number;
  /** Kills a step process that runs longer (SIGKILL), besides any `timeout-minutes`. */
  stepTimeoutMs?: number;
  /** Cancels the run: the running step gets SIGINT (SIGTERM 7.5 s later), later steps and jobs are cancelled. */
  signal?: AbortSignal;
  /** Called as each step process starts, so a test can cancel at a chosen step. */
  onStep?: (started: StepStarted) => void;
}
