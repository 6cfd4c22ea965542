import type { JobPermissions } from './permissions.js';
import type { MatrixLeg } from './matrix.js';

/** How a step, job or run ended, in GitHub's words. */
export type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped';

/** What the runner records of one step (a main step, or the post step of an action). */
export interface StepResult {
  /** 0-based position in the job's steps. */
  index: number;
  id?: string;
  name: string;
  kind: 'action' | 'run' | 'checkout';
  stage: 'main' | 'post';
  /** `uses:` of an action step. */
  uses?: string;
  /** Before continue-on-error. */
  outcome: Conclusion;
  /** After continue-on-error. */
  conclusion: Conclusion;
  outputs: Record<string, string>;
  /** What the step appended to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** stdout and stderr with every secret and mask replaced by ***, as the log page shows them. */
  log: string;
  errors: string[];
  warnings: string[];
  /** The inputs an action step got (defaults included), masked. */
  inputs?: Record<string, string>;
  exitCode?: number | null;
}

/** An evaluated `concurrency:`. */
export interface Concurrency {
  group: string;
  cancelInProgress: boolean;
}

/** What the executor asked the job-token minter for, and what the job got. */
export interface JobTokenRequest {
  workflow: string;
  /** The job id (`deploy`), and its display name (with the matrix values). */
  job: string;
  jobName: string;
  repository: string;
  event: string;
  ref: string;
  sha: string;
  /** The job's `environment:` name, which decides the OIDC subject. */
  environment?: string;
  permissions: JobPermissions;
  /** A pull request from a fork. */
  fork: boolean;
  runId: number;
  /** The pull request of a `pull_request*` event as the event shows it, so a stand-in can hold the same one. */
  pullRequest?: PullRequestFacts;
}

/** A pull request as an event's payload describes it. */
export interface PullRequestFacts {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  title: string;
  headSha: string;
  headRef: string;
  /** owner/name of the head repository (another one for a fork). */
  headRepository: string;
  baseRef: string;
}

/** What a minter hands the job: the `GITHUB_TOKEN`, and the ID-token request endpoint for OIDC. */
export interface JobToken {
  githubToken?: string;
  idTokenRequest?: { url: string; token: string };
}

/** One job (one matrix leg) of the run. */
export interface JobResult {
  id: string;
  name: string;
  matrix?: MatrixLeg;
  result: Conclusion;
  /** Why a skipped or cancelled job did not run its steps. */
  reason?: string;
  permissions: JobPermissions;
  environment?: { name: string; url?: string };
  concurrency?: Concurrency;
  /** The request handed to the minter, and whether the job's steps got an ID-token endpoint. */
  token?: JobTokenRequest & { idToken: boolean };
  outputs: Record<string, string>;
  steps: StepResult[];
  /** Post steps, in the order they ran (the reverse of their main steps). */
  postSteps: StepResult[];
  /** Every step's summary, in order. */
  summary: string;
  /** Every step's log, in order. */
  log: string;
}

/** A workflow run. */
export interface WorkflowRunResult {
  workflow: string;
  name: string;
  event: string;
  triggered: boolean;
  /** Why it ran (`pull_request opened`) or did not. */
  reason: string;
  conclusion: Conclusion;
  concurrency?: Concurrency;
  jobs: JobResult[];
  /** The job with this id (the first leg of a matrix job unless `matrix` picks one). */
  job(id: string, matrix?: MatrixLeg): JobResult;
}

/** A step process just started: a test can cancel the run here through its AbortController. */
export interface StepStarted {
  job: string;
  step: StepResult['name'];
  index: number;
  stage: 'main' | 'post';
}
