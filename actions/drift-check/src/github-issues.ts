import type { getOctokit } from '@actions/github';
import { UserFacingError } from '@azpn/core';
import { readDriftMarker, type DriftNotice, type DriftTracker, type TrackedDrift } from './drift-tracker.js';

/** Where the issues live and how to reach them. */
export interface GitHubIssuesOptions {
  /** The job token (`github.token`) or a token with `issues: write`. */
  token: string;
  /** `GITHUB_API_URL`: `https://api.github.com`, or `<server>/api/v3` on GitHub Enterprise Server. */
  apiUrl: string;
  /** `owner/repo`. */
  repository: string;
  /** The label every drift issue carries. */
  label: string;
}

type Octokit = ReturnType<typeof getOctokit>;

/** GitHub's answer to a token without the permission, as one sentence that says what to change. */
function permissionError(error: unknown, doing: string): unknown {
  const status = (error as { status?: number }).status;
  if (status !== 403) return error;
  const accepted = (error as { response?: { headers?: Record<string, string> } }).response?.headers?.[
    'x-accepted-github-permissions'
  ];
  const answer = (error as Error).message.split('\n')[0]!.replace(/ - https:\S+$/, '');
  return new UserFacingError(
    `The token may not ${doing} (GitHub answered ${status} ${answer}${accepted ? `; it accepts ${accepted}` : ''}): give the job "permissions: issues: write", or pass a token that has it as github-token.`,
  );
}

/** Drift issues on GitHub through the `@actions/github` Octokit client: labelled, marked, one open per environment. */
export class GitHubIssues implements DriftTracker {
  readonly noun = 'issue';
  readonly format = 'markdown' as const;
  private client: Promise<Octokit> | undefined;
  private openIssues: Promise<(TrackedDrift & { environment: string })[]> | undefined;
  private readonly owner: string;
  private readonly repo: string;

  constructor(private readonly options: GitHubIssuesOptions) {
    [this.owner, this.repo] = options.repository.split('/') as [string, string];
  }

  private async call<T>(doing: string, request: (octokit: Octokit) => Promise<T>): Promise<T> {
    try {
      // Loaded on the first call: @actions/github and its undici cost milliseconds of every start.
      this.client ??= import('@actions/github').then(({ getOctokit }) =>
        getOctokit(this.options.token, { baseUrl: this.options.apiUrl.replace(/\/+$/, '') }),
      );
      return await request(await this.client);
    } catch (error) {
      throw permissionError(error, doing);
    }
  }

  /** Every open issue with the label and a marker, listed once (paginated). */
  private listOpen(): Promise<(TrackedDrift & { environment: string })[]> {
    this.openIssues ??= this.call('read issues', async (octokit) => {
      const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
        owner: this.owner,
        repo: this.repo,
        labels: this.options.label,
        state: 'open',
        per_page: 100,
      });
      return issues.flatMap((issue) => {
        const marker = issue.pull_request ? undefined : readDriftMarker(issue.body ?? '');
        return marker ? [{ id: issue.number, url: issue.html_url, ...marker }] : [];
      });
    });
    return this.openIssues;
  }

  async find(environment: string): Promise<TrackedDrift | undefined> {
    const found = (await this.listOpen()).find((issue) => issue.environment === environment);
    return found && { id: found.id, url: found.url, fingerprint: found.fingerprint };
  }

  /** Creates the label when the repository does not have it yet, so the issue can carry it. */
  private async ensureLabel(octokit: Octokit): Promise<void> {
    const repository = { owner: this.owner, repo: this.repo };
    try {
      await octokit.rest.issues.getLabel({ ...repository, name: this.options.label });
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
      // Environments checked in parallel may race to create it: GitHub's 422 then says it exists.
      await octokit.rest.issues
        .createLabel({
          ...repository,
          name: this.options.label,
          color: 'd93f0b',
          description: 'What-if found drift in a deployed environment (azpn drift-check)',
        })
        .catch((failure: { status?: number }) => {
          if (failure.status !== 422) throw failure;
        });
    }
  }

  async open(notice: DriftNotice): Promise<{ id: number; url: string }> {
    return this.call('create issues', async (octokit) => {
      await this.ensureLabel(octokit);
      const { data } = await octokit.rest.issues.create({
        owner: this.owner,
        repo: this.repo,
        title: notice.title,
        body: notice.body,
        labels: [this.options.label],
      });
      return { id: data.number, url: data.html_url };
    });
  }

  async update(id: number, notice: DriftNotice, comment: string): Promise<void> {
    const issue = { owner: this.owner, repo: this.repo, issue_number: id };
    await this.call('update issues', async (octokit) => {
      await octokit.rest.issues.update({ ...issue, title: notice.title, body: notice.body });
      await octokit.rest.issues.createComment({ ...issue, body: comment });
    });
  }

  async close(id: number, comment: string): Promise<void> {
    const issue = { owner: this.owner, repo: this.repo, issue_number: id };
    await this.call('close issues', async (octokit) => {
      await octokit.rest.issues.createComment({ ...issue, body: comment });
      await octokit.rest.issues.update({ ...issue, state: 'closed', state_reason: 'completed' });
    });
  }
}
