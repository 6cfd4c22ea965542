/**
 * Runs the preview action's committed GitHub bundle as the runner does for a pull request event, against a local
 * cloud and its GitHub stand-in: the event payload on disk, the job's OIDC endpoint, a GITHUB_TOKEN minted with
 * the job's permissions, and the pull request held by the stand-in as the event shows it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceManagementClient } from '@azure/arm-resources';
import { runGitHubStep, type GitHubStepResult } from '@azpn/action-host';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';
import {
  defaultIds,
  githubRunnerEnvironment,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '@azpn/local-cloud';

export const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const root = join(actionDir, '..', '..');
export const fixture = join(actionDir, 'test', 'fixtures', 'preview.bicep');
export const apiToken = 'preview-token-7c1d"quoted" & <b>';
const searchPath = `${join(root, 'tools', 'bicep')}:${process.env.PATH ?? ''}`;

/** A pull request at one moment: its number, head commit, and whether it is closed or from a fork. */
export interface PullRequestMoment {
  number: number;
  head: string;
  action: 'opened' | 'synchronize' | 'reopened' | 'closed';
  fork?: boolean;
}

/** The GitHub stand-in's state as the tests read it. */
export interface GitHubState {
  repositories: {
    fullName: string;
    comments: { id: number; issueNumber: number; body: string; updatedAt: number }[];
  }[];
}

/** A local cloud with no latency, its admin client and a scratch folder, for one test file. */
export class PreviewCloud {
  local!: LocalCloud;
  admin!: LocalCloudAdmin;
  private dir = mkdtempSync(join(tmpdir(), 'azpn-preview-e2e-'));
  private runs = 0;

  async start(): Promise<void> {
    this.local = await startLocalCloud({ stateDir: join(this.dir, 'cloud') });
    this.admin = new LocalCloudAdmin(this.local.cloud);
    await this.admin.setLatencies({ readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 });
    trustCloudCa(this.local.cloud.caPem);
  }

  async stop(): Promise<void> {
    await this.local?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** ARM's resources client, signed in as the scenario's deployer, to make groups as someone else would. */
  resources(): ResourceManagementClient {
    const access = cloudSdkAccess(this.local.cloud);
    return new ResourceManagementClient(access.credential, this.local.cloud.subscriptionId, access.options);
  }

  /** The comments of a pull request in the stand-in, oldest first. */
  async comments(number: number): Promise<GitHubState['repositories'][number]['comments']> {
    const state = (await this.admin.pluginState('github-api')) as GitHubState;
    const infra = state.repositories.find((r) => r.fullName === 'azpn/infra');
    return (infra?.comments ?? []).filter((c) => c.issueNumber === number);
  }

  /** Makes the stand-in hold the pull request as it is at `moment`, as GitHub does when the event fires. */
  async hold(moment: PullRequestMoment): Promise<void> {
    await this.admin.pluginCall('github-api', 'PUT', `/repositories/azpn/infra/pulls/${moment.number}`, {
      headSha: moment.head,
      state: moment.action === 'closed' ? 'closed' : 'open',
      headRepository: moment.fork ? 'contributor/infra' : 'azpn/infra',
    });
  }

  /** A GITHUB_TOKEN for the repository with `permissions`. */
  async token(permissions: Record<string, string>): Promise<string> {
    const minted = (await this.admin.pluginCall('github-api', 'POST', '/tokens', {
      repository: 'azpn/infra',
      permissions,
    })) as { token: string };
    return minted.token;
  }

  private eventFile(moment: PullRequestMoment): string {
    const file = join(this.dir, `event-${++this.runs}.json`);
    const repo = { full_name: moment.fork ? 'contributor/infra' : 'azpn/infra', fork: moment.fork ?? false };
    const payload = {
      action: moment.action,
      number: moment.number,
      pull_request: {
        number: moment.number,
        state: moment.action === 'closed' ? 'closed' : 'open',
        head: { sha: moment.head, ref: `feature-${moment.number}`, repo },
        base: { ref: 'main', repo: { full_name: 'azpn/infra' } },
      },
      repository: { full_name: 'azpn/infra', name: 'infra', owner: { login: 'azpn' } },
    };
    writeFileSync(file, JSON.stringify(payload));
    return file;
  }

  /** The environment of a job for a pull request event (no ID-token endpoint for a fork, as GitHub gives none). */
  environment(moment: PullRequestMoment, runId: number): Record<string, string> {
    const server = this.local.cloud.services['github-api']!;
    const oidc = moment.fork ? {} : githubRunnerEnvironment(this.local.cloud, 'pull-request');
    return {
      NODE_EXTRA_CA_CERTS: this.local.cloud.caFile!,
      ...oidc,
      PATH: searchPath,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: this.eventFile(moment),
      GITHUB_REPOSITORY: 'azpn/infra',
      GITHUB_RUN_ID: String(runId),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_REF: `refs/pull/${moment.number}/merge`,
      GITHUB_SHA: moment.head,
      GITHUB_SERVER_URL: String(server.serverUrl),
      GITHUB_API_URL: String(server.apiUrl),
    };
  }

  /** The sign-in inputs every step takes. */
  signIn(): Record<string, string> {
    return {
      cloud: this.local.cloud.resourceManager,
      'tenant-id': this.local.cloud.tenantId,
      'client-id': defaultIds.deployerClientId,
      'subscription-id': this.local.cloud.subscriptionId,
    };
  }

  /** Runs the action for a scheduled run on the default branch (the sweep): no pull request in the event. */
  async scheduled(
    inputs: Record<string, string>,
    permissions = { 'pull-requests': 'read' },
  ): Promise<GitHubStepResult> {
    const token = await this.token(permissions);
    const file = join(this.dir, `event-${++this.runs}.json`);
    writeFileSync(file, JSON.stringify({ schedule: '17 3 * * *', repository: { full_name: 'azpn/infra' } }));
    const server = this.local.cloud.services['github-api']!;
    return runGitHubStep({
      actionDir,
      workspace: root,
      inputs: { ...this.signIn(), 'github-token': token, ...inputs },
      env: {
        NODE_EXTRA_CA_CERTS: this.local.cloud.caFile!,
        ...githubRunnerEnvironment(this.local.cloud, 'main'),
        PATH: searchPath,
        GITHUB_EVENT_NAME: 'schedule',
        GITHUB_EVENT_PATH: file,
        GITHUB_REPOSITORY: 'azpn/infra',
        GITHUB_RUN_ID: String(3000 + this.runs),
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SERVER_URL: String(server.serverUrl),
        GITHUB_API_URL: String(server.apiUrl),
      },
      timeoutMs: 120_000,
    });
  }

  /** Runs the action for `moment` (held by the stand-in first, unless `hold` is false). */
  async step(
    moment: PullRequestMoment,
    inputs: Record<string, string>,
    options: { runId?: number; permissions?: Record<string, string>; hold?: boolean } = {},
  ): Promise<GitHubStepResult> {
    if (options.hold !== false) await this.hold(moment);
    const permissions = options.permissions ?? { 'pull-requests': 'write', contents: 'read' };
    const token = await this.token(moment.fork ? { 'pull-requests': 'read' } : permissions);
    return runGitHubStep({
      actionDir,
      workspace: root,
      inputs: { ...this.signIn(), 'github-token': token, ...inputs },
      env: this.environment(moment, options.runId ?? 1000 + this.runs),
      timeoutMs: 120_000,
    });
  }
}
