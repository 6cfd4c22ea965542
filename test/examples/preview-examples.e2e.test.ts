import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceManagementClient } from '@azure/arm-resources';
import { LocalCloudAdmin, startLocalCloud, type LocalCloud } from '@azpn/local-cloud';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';
import {
  holdAzureReposPullRequest,
  localCloudAgentSettings,
  localCloudGitHubSettings,
  pullRequestEvent,
  runAzurePipeline,
  runGitHubWorkflow,
  scheduleEvent,
  sha,
  type GitHubEvent,
  type LocalCloudGitHubSettings,
  type PipelineTrigger,
} from '@azpn/workflow-executor';
import { trustCloudCa } from '@azpn/local-cloud';
import { expectConclusion } from './run-report.js';

/**
 * The preview examples, executed against one local cloud (control plane and code-host stand-ins, no fabric):
 * pr-preview.yml for a pull request opened, pushed to and closed, and for a fork; preview-sweeper.yml on its
 * schedule over an expired preview, a closed pull request's, an open one and an untagged group; and
 * azure-pipelines-preview.yml as the PR build of an Azure Repos repository and its nightly sweep.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = join(root, 'workflows-examples');
let local: LocalCloud;
let admin: LocalCloudAdmin;
let stateDir: string;
let settings: LocalCloudGitHubSettings;
let resources: ResourceManagementClient;

function run(file: string, event: GitHubEvent) {
  return runGitHubWorkflow({
    workflow: join(examples, file),
    workspace: root,
    event,
    ...settings,
    stepTimeoutMs: 300_000,
  });
}

const groupExists = (name: string) =>
  admin.getResource(`/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${name}`).then(
    () => true,
    () => false,
  );

/** The comments of a pull request in the GitHub stand-in. */
async function comments(number: number): Promise<{ id: number; body: string }[]> {
  const state = (await admin.pluginState('github-api')) as {
    repositories: { fullName: string; comments: { id: number; issueNumber: number; body: string }[] }[];
  };
  return (state.repositories.find((r) => r.fullName === 'azpn/infra')?.comments ?? []).filter(
    (c) => c.issueNumber === number,
  );
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-preview-examples-'));
  local = await startLocalCloud({ stateDir });
  admin = new LocalCloudAdmin(local.cloud);
  await admin.setLatencies({ readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 });
  settings = localCloudGitHubSettings(local, root);
  trustCloudCa(local.cloud.caPem);
  const access = cloudSdkAccess(local.cloud);
  resources = new ResourceManagementClient(access.credential, local.cloud.subscriptionId, access.options);
});

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('workflows-examples/pr-preview.yml', () => {
  it('opened: deploys the forwarder as preview-infra-pr-7 and comments once, queued per pull request', async () => {
    const result = await run('pr-preview.yml', pullRequestEvent('opened', { number: 7, headSha: sha('h1') }));
    expectConclusion(result, 'success');
    expect(result.concurrency).toEqual({ group: 'pr-preview-7', cancelInProgress: true });
    const job = result.job('deploy');
    expect(job.permissions).toMatchObject({
      'id-token': 'write',
      'pull-requests': 'write',
      contents: 'read',
    });
    expect(result.job('teardown').result).toBe('skipped');
    const [, preview, echo] = job.steps;
    expect(preview!.outputs).toMatchObject({
      'environment-name': 'preview-infra-pr-7',
      recordFqdn: 'onprem-server.internal.net',
    });
    expect(echo!.log).toContain('Preview preview-infra-pr-7 serves onprem-server.internal.net');
    const group = await admin.getResource(
      `/subscriptions/${local.cloud.subscriptionId}/resourceGroups/preview-infra-pr-7`,
    );
    expect(group.tags).toMatchObject({ 'preview-pull-request': '7', 'preview-head-commit': sha('h1') });
    const [comment, ...more] = await comments(7);
    expect(more).toEqual([]);
    expect(comment!.body).toContain('### Preview `preview-infra-pr-7`: deployed');
    expect(comment!.body).toContain('| recordFqdn | onprem-server.internal.net |');
  });

  it('synchronize: redeploys the new head and edits the same comment', async () => {
    const [before] = await comments(7);
    const result = await run(
      'pr-preview.yml',
      pullRequestEvent('synchronize', { number: 7, headSha: sha('h2') }),
    );
    expectConclusion(result, 'success');
    const after = await comments(7);
    expect(after.map((c) => c.id)).toEqual([before!.id]);
    expect(after[0]!.body).toContain(`head \`${sha('h2').slice(0, 7)}\``);
  });

  it('closed: tears the preview down in the teardown job and says so in the comment', async () => {
    const result = await run('pr-preview.yml', pullRequestEvent('closed', { number: 7, headSha: sha('h2') }));
    expectConclusion(result, 'success');
    expect(result.concurrency).toEqual({ group: 'pr-preview-7', cancelInProgress: false });
    expect(result.job('deploy').result).toBe('skipped');
    expect(result.job('teardown').steps[2]!.log).toBe('Deleted preview-infra-pr-7 - true\n');
    expect(await groupExists('preview-infra-pr-7')).toBe(false);
    expect((await comments(7))[0]!.body).toContain(': torn down');
  });

  it('a pull request from a fork: no OIDC token, skipped in one line, nothing deployed or commented', async () => {
    const result = await run('pr-preview.yml', pullRequestEvent('opened', { number: 8, fork: true }));
    expectConclusion(result, 'success');
    const job = result.job('deploy');
    expect(job.token?.idToken).toBe(false);
    expect(job.steps[1]!.outputs.skipped).toBe('true');
    expect(job.steps[2]!.outcome).toBe('skipped');
    expect(await groupExists('preview-infra-pr-8')).toBe(false);
    expect(await comments(8)).toEqual([]);
  });
});

describe('workflows-examples/preview-sweeper.yml', () => {
  it('on its schedule deletes the expired and the closed pull request previews, and nothing else', async () => {
    const day = 86_400_000;
    const preview = (pr: number, expiresIn: number) => ({
      location: 'westeurope',
      tags: {
        'preview-repository': 'azpn/infra',
        'preview-pull-request': String(pr),
        'expires-at': new Date(Date.now() + expiresIn).toISOString(),
      },
    });
    await resources.resourceGroups.createOrUpdate('preview-infra-pr-30', preview(30, -day));
    await resources.resourceGroups.createOrUpdate('preview-infra-pr-31', preview(31, day));
    await resources.resourceGroups.createOrUpdate('preview-infra-pr-32', preview(32, day));
    await resources.resourceGroups.createOrUpdate('rg-shared', { location: 'westeurope' });
    for (const [number, state] of [
      [30, 'open'],
      [31, 'closed'],
      [32, 'open'],
    ] as const)
      await admin.pluginCall('github-api', 'PUT', `/repositories/azpn/infra/pulls/${number}`, { state });
    const result = await run('preview-sweeper.yml', scheduleEvent('23 4 * * *'));
    expectConclusion(result, 'success');
    const job = result.job('sweep');
    expect(job.token).toMatchObject({ ref: 'refs/heads/main', idToken: true });
    const sweep = job.steps[1]!;
    expect(JSON.parse(sweep.outputs.deleted!)).toEqual(['preview-infra-pr-30', 'preview-infra-pr-31']);
    expect(sweep.summary).toMatch(/\| preview-infra-pr-30 \| #30 \| .* \| deleted \| it expired at /);
    expect(sweep.summary).toMatch(/\| preview-infra-pr-32 \| #32 \| .* \| kept \| pull request #32 is open/);
    for (const [name, kept] of [
      ['preview-infra-pr-30', false],
      ['preview-infra-pr-31', false],
      ['preview-infra-pr-32', true],
      ['rg-shared', true],
    ] as const)
      expect([name, await groupExists(name)]).toEqual([name, kept]);
  });
});

describe('workflows-examples/azure-pipelines-preview.yml', () => {
  let repositoryId: string;
  const pipeline = (trigger: PipelineTrigger) =>
    runAzurePipeline({
      pipeline: join(examples, 'azure-pipelines-preview.yml'),
      workspace: root,
      trigger,
      repositoryName: 'infra',
      repositoryId,
      parameters: { cloud: local.cloud.resourceManager },
      ...localCloudAgentSettings(local, root),
      stepTimeoutMs: 300_000,
    });
  const pullRequest = (commit: string) => ({
    id: 12,
    sourceBranch: 'refs/heads/feature',
    targetBranch: 'refs/heads/main',
    sourceCommit: commit,
  });

  /** The live threads of pull request 12 in the Azure DevOps stand-in. */
  async function threads(): Promise<{ id: number; comments: { content: string; isDeleted: boolean }[] }[]> {
    const state = (await admin.pluginState('azure-devops-api')) as {
      pullRequests: {
        pullRequestId: number;
        threads: { id: number; comments: { content: string; isDeleted: boolean }[] }[];
      }[];
    };
    return (state.pullRequests.find((p) => p.pullRequestId === 12)?.threads ?? []).filter(
      (t) => !t.comments[0]?.isDeleted,
    );
  }

  it('as the PR build deploys preview-infra-pr-12 and keeps one thread; the sweep steps do not run', async () => {
    repositoryId = await holdAzureReposPullRequest(local, {
      repository: 'infra',
      id: 12,
      sourceCommit: sha('a1'),
    });
    const result = await pipeline({ reason: 'PullRequest', pullRequest: pullRequest(sha('a1')) });
    const job = result.job('Job');
    expect(job.steps.map((s) => s.result)).toEqual(['Succeeded', 'Succeeded', 'Skipped', 'Skipped']);
    expect(job.steps[1]!.log).toContain('Preview preview-infra-pr-12 serves onprem-server.internal.net');
    const [thread, ...more] = await threads();
    expect(more).toEqual([]);
    expect(thread!.comments[0]!.content).toContain('### Preview `preview-infra-pr-12`: deployed');
    await holdAzureReposPullRequest(local, { repository: 'infra', id: 12, sourceCommit: sha('a2') });
    const pushed = await pipeline({ reason: 'PullRequest', pullRequest: pullRequest(sha('a2')) });
    expect(pushed.result).toBe('Succeeded');
    const after = await threads();
    expect(after.map((t) => t.id)).toEqual([thread!.id]);
    expect(after[0]!.comments[0]!.content).toContain(`head \`${sha('a2').slice(0, 7)}\``);
  });

  it('nightly sweeps the preview of a pull request that completed, as no run follows a completion', async () => {
    await holdAzureReposPullRequest(local, { repository: 'infra', id: 12, status: 'completed' });
    await resources.resourceGroups.createOrUpdate('rg-untouched', { location: 'westeurope' });
    const result = await pipeline({ reason: 'Schedule', branch: 'refs/heads/main', cron: '23 4 * * *' });
    const job = result.job('Job');
    expect(job.steps.map((s) => s.result)).toEqual(['Skipped', 'Skipped', 'Succeeded', 'Succeeded']);
    expect(job.steps[3]!.log).toBe('Deleted ["preview-infra-pr-12"], kept []\n');
    expect(await groupExists('preview-infra-pr-12')).toBe(false);
    expect(await groupExists('rg-untouched')).toBe(true);
  });
});
