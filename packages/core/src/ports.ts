/**
 * The ports every action talks through. Action logic receives a {@link Platform} and never reads
 * `process.env` or writes to stdout itself, so one `run` serves the GitHub runner and the Azure
 * DevOps agent alike.
 */

/** Reads the raw text of an input as the platform received it. */
export interface InputReader {
  /** The trimmed value of `name`, or `undefined` when it was not supplied or is empty. */
  read(name: string): string | undefined;
}

/** Options for {@link OutputSetter.set}. */
export interface OutputOptions {
  /** Mask the value in every later log line and mark it secret where the platform can. */
  secret?: boolean;
}

/** Publishes step outputs (GitHub) or output variables (Azure DevOps). */
export interface OutputSetter {
  set(name: string, value: string, options?: OutputOptions): void;
}

/** Registers values that must never appear in logs, summaries, outputs or comments, in any form. */
export interface SecretMasker {
  /** Registers `value` and every form it can be printed in (JSON-escaped, per line, URL-encoded, …). */
  mask(value: string): void;
  /**
   * `text` with every registered form of every secret replaced by `***`. The platform already applies it to
   * what it writes (log lines, summaries, failures); use it for text that leaves by another way, such as a
   * pull-request comment.
   */
  redact(text: string): string;
}

/** Log lines, warnings and collapsible groups. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /** Runs `body` inside a collapsible log group and closes the group however `body` ends. */
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
}

/** Values a main step hands to its post step (GitHub `GITHUB_STATE`, Azure DevOps task variables). */
export interface StateStore {
  save(name: string, value: string): void;
  get(name: string): string | undefined;
}

/** The job summary: markdown appended to the run's summary page. */
export interface SummaryWriter {
  append(markdown: string): Promise<void>;
}

/** How the step ends. Only the platform decides the exit code. */
export interface ResultReporter {
  fail(message: string): void;
  /** Azure DevOps can end a task as SucceededWithIssues; GitHub reports a warning. */
  succeedWithIssues(message: string): void;
}

/** A service connection's data as the Azure DevOps agent hands it to a task. */
export interface ServiceConnection {
  id: string;
  url?: string;
  scheme: string;
  /** Authorization parameters (`tenantid`, `serviceprincipalid`, …), keys lowercased. */
  parameters: Record<string, string>;
  /** Endpoint data (`subscriptionId`, `environment`, …), keys as the agent gives them, lowercased. */
  data: Record<string, string>;
}

/** The pull request a run is for, as the platform describes it at the time of the run. */
export interface PullRequestContext {
  number: number;
  /** The head commit the run is for (GitHub `pull_request.head.sha`, `System.PullRequest.SourceCommitId`). */
  headSha?: string;
  /** The head branch is in another repository (a fork): no OIDC token, no secrets, a read-only job token. */
  fork: boolean;
  /** GitHub: `closed` on a `closed` event. */
  state?: 'open' | 'closed';
}

/**
 * Where the repository is hosted, for the code host's API and links to the run (never secrets): GitHub's API URL,
 * or the Azure DevOps collection with the project and repository.
 */
export interface CodeHostContext {
  /** GitHub: `GITHUB_API_URL`; Azure DevOps: `System.CollectionUri`. */
  apiUrl: string;
  /** A link to this run's page. */
  runUrl?: string;
  /** Azure DevOps: `System.TeamProject`. */
  project?: string;
  /** Azure DevOps: `Build.Repository.ID`. */
  repositoryId?: string;
}

/** Where the run comes from, for naming and tagging (never for secrets). */
export interface RunContext {
  platform: 'github' | 'azure-devops';
  /** `owner/repo` or `project/repo`. */
  repository?: string;
  runId?: string;
  runAttempt?: string;
  /** Pull request number, when the run is for one. */
  pullRequest?: number;
  /** The pull request's head and origin, when the run is for one. */
  pullRequestHead?: PullRequestContext;
  /** The code host's API and the run's page. */
  codeHost?: CodeHostContext;
  ref?: string;
  sha?: string;
  /**
   * The repository checkout every file input must stay inside: `GITHUB_WORKSPACE`, `BUILD_SOURCESDIRECTORY`,
   * or the working directory where the platform names none.
   */
  workspace: string;
  /** A directory the step may write temporary files to. */
  tempDir: string;
}

/** Workload identity: the platform's OIDC token for an audience. */
export interface IdentityTokenSource {
  /** GitHub: the runner's ID token for `audience`. Undefined where the job has no `id-token: write`. */
  githubIdToken?: (audience: string) => Promise<string>;
  /** Azure DevOps: the access token that authorises an OIDC request for a service connection. */
  azureDevOpsAccessToken?: string;
  /** Azure DevOps: the OIDC request URI the agent publishes (`System.OidcRequestUri`). */
  azureDevOpsOidcRequestUri?: string;
}

/** Everything an action may touch of the world it runs in. */
export interface Platform {
  inputs: InputReader;
  outputs: OutputSetter;
  secrets: SecretMasker;
  log: Logger;
  state: StateStore;
  summary: SummaryWriter;
  result: ResultReporter;
  context: RunContext;
  identity: IdentityTokenSource;
  /** Azure DevOps service connections by id or name; always undefined on GitHub. */
  serviceConnection(idOrName: string): ServiceConnection | undefined;
  /** Monotonic milliseconds, injectable so progress lines are testable. */
  now(): number;
}
