import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runAzureDevOpsTask, secretLeaks, type AzureDevOpsTaskResult } from '@azpn/action-host';
import { azureDevOpsAgentEnvironment } from '@azpn/local-cloud';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';
import { DeploymentStacksClient } from '@azure/arm-resourcesdeploymentstacks';
import { stickyAuthorOf } from '@azpn/code-host';
import { actionDir, apiToken, fixture, PreviewCloud, root } from './github-preview-harness.js';

// The preview task's Azure DevOps bundle, run as the agent runs it in a PR build of an Azure Repos repository,
// against the local cloud and its Azure DevOps stand-in: one pull request thread kept up to date (created, edited in
// place, concurrent runs), teardown when the pull request completes, a fork skipped, and the sweep.

const cloud = new PreviewCloud();
const commit = (n: number) => String(n).repeat(40).slice(0, 40);
const searchPath = `${root}/tools/bicep:${process.env.PATH ?? ''}`;
let repositoryId: string;

interface Thread {
  id: number;
  status: string;
  comments: { content: string; isDeleted: boolean }[];
}

/** A pull request of the `infra` repository as the stand-in holds it. */
async function hold(id: number, sourceCommit: string, status = 'active'): Promise<void> {
  await cloud.admin.pluginCall('azure-devops-api', 'PUT', `/repositories/infra/pullrequests/${id}`, {
    sourceCommit,
    status,
    sourceRefName: `refs/heads/feature-${id}`,
  });
}

/** The threads of a pull request that still carry a comment. */
async function liveThreads(id: number): Promise<Thread[]> {
  const state = (await cloud.admin.pluginState('azure-devops-api')) as {
    pullRequests: { pullRequestId: number; threads: Thread[] }[];
  };
  const pull = state.pullRequests.find((p) => p.pullRequestId === id);
  return (pull?.threads ?? []).filter((t) => !t.comments[0]?.isDeleted);
}

function task(
  inputs: Record<string, string>,
  pr: { id: number; commit: string; fork?: boolean } | undefined,
  buildId: number,
): Promise<AzureDevOpsTaskResult> {
  const agent = azureDevOpsAgentEnvironment(cloud.local.cloud);
  const pullRequest: Record<string, string> = pr
    ? {
        'System.PullRequest.PullRequestId': String(pr.id),
        'System.PullRequest.SourceBranch': `refs/heads/feature-${pr.id}`,
        'System.PullRequest.TargetBranch': 'refs/heads/main',
        'System.PullRequest.SourceCommitId': pr.commit,
        'System.PullRequest.IsFork': pr.fork ? 'True' : 'False',
        'Build.Reason': 'PullRequest',
      }
    : { 'Build.Reason': 'Schedule' };
  return runAzureDevOpsTask({
    taskDir: actionDir,
    workspace: root,
    inputs: { azureSubscription: agent.connectionId, cloud: cloud.local.cloud.resourceManager, ...inputs },
    endpoints: agent.endpoints,
    variables: {
      ...agent.variables,
      ...pullRequest,
      PATH: searchPath,
      'Build.Repository.Name': 'infra',
      'Build.Repository.ID': repositoryId,
      'Build.BuildId': String(buildId),
      'System.JobAttempt': '1',
    },
    secretVariables: agent.secretVariables,
    timeoutMs: 120_000,
  });
}

const deployInputs = {
  template: fixture,
  parameterOverrides: `apiToken: ${JSON.stringify(apiToken)}`,
  location: 'westeurope',
};
const groupExists = (name: string) =>
  cloud.admin.getResource(`/subscriptions/${cloud.local.cloud.subscriptionId}/resourceGroups/${name}`).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  await cloud.start();
  const repository = (await cloud.admin.pluginCall('azure-devops-api', 'PUT', '/repositories/infra', {})) as {
    id: string;
  };
  repositoryId = repository.id;
});
afterAll(() => cloud.stop());

describe('preview on Azure DevOps: one pull request from created to completed', () => {
  it('a PR build deploys preview-infra-pr-12 and keeps one thread with the what-if table and outputs', async () => {
    await hold(12, commit(1));
    const run = await task(deployInputs, { id: 12, commit: commit(1) }, 501);
    expect(run.errors).toEqual([]);
    expect(run.result).toBe('Succeeded');
    expect(run.outputs.environmentName?.value).toBe('preview-infra-pr-12');
    const [thread, ...more] = await liveThreads(12);
    expect(more).toEqual([]);
    expect(thread!.status).toBe('active');
    expect(thread!.comments[0]!.content).toMatch(/^<!-- azpn-preview -->\n/);
    expect(thread!.comments[0]!.content).toContain(': deployed');
    expect(thread!.comments[0]!.content).toContain('| subnetPrefix | 10.40.1.0/24 |');
    expect(thread!.comments[0]!.content).toContain('/_build/results?buildId=501');
    expect(run.outputs.commentId?.value).toBe(String(thread!.id));
    expect(secretLeaks(run, [apiToken], { extra: { thread: thread!.comments[0]!.content } })).toEqual([]);
  });

  it('a push to the pull request edits the same thread in place', async () => {
    const [before] = await liveThreads(12);
    await hold(12, commit(2));
    const run = await task(deployInputs, { id: 12, commit: commit(2) }, 502);
    expect(run.errors).toEqual([]);
    const threads = await liveThreads(12);
    expect(threads.map((t) => t.id)).toEqual([before!.id]);
    expect(stickyAuthorOf(threads[0]!.comments[0]!.content)?.head).toBe(commit(2));
  });

  it('two builds at once (an older commit and the newest) leave one thread showing the newest', async () => {
    await hold(12, commit(4));
    const [older, newer] = await Promise.all([
      task(deployInputs, { id: 12, commit: commit(3) }, 503),
      task(deployInputs, { id: 12, commit: commit(4) }, 504),
    ]);
    expect([older.errors, newer.errors]).toEqual([[], []]);
    expect(older.log).toContain("The pull request's head is now 4444444, not 3333333");
    const threads = await liveThreads(12);
    expect(threads).toHaveLength(1);
    expect(stickyAuthorOf(threads[0]!.comments[0]!.content)?.head).toBe(commit(4));
  });

  it('two first builds at once for a new pull request leave one live thread', async () => {
    await hold(14, commit(5));
    const runs = await Promise.all([
      task(deployInputs, { id: 14, commit: commit(5) }, 505),
      task(deployInputs, { id: 14, commit: commit(5) }, 506),
    ]);
    expect(runs.map((r) => r.errors)).toEqual([[], []]);
    expect(await liveThreads(14)).toHaveLength(1);
  });

  it('completed: deletes the group and says so in the thread', async () => {
    await hold(12, commit(4), 'completed');
    const run = await task({ mode: 'destroy' }, { id: 12, commit: commit(4) }, 507);
    expect(run.errors).toEqual([]);
    expect(run.outputs.deleted?.value).toBe('true');
    expect(await groupExists('preview-infra-pr-12')).toBe(false);
    const threads = await liveThreads(12);
    expect(threads).toHaveLength(1);
    expect(threads[0]!.comments[0]!.content).toContain(': torn down');
  });

  it('skips a pull request from a fork in one line, succeeding', async () => {
    await hold(15, commit(6));
    const run = await task(deployInputs, { id: 15, commit: commit(6), fork: true }, 508);
    expect(run.result).toBe('Succeeded');
    expect(run.outputs.skipped?.value).toBe('true');
    expect(run.log).toContain('This pull request comes from a fork');
    expect(await liveThreads(15)).toEqual([]);
    expect(await groupExists('preview-infra-pr-15')).toBe(false);
  });
});

describe('preview sweep on Azure DevOps', () => {
  it('deletes the previews of an abandoned and an expired pull request, keeps an open one, touches no other group', async () => {
    const day = 86_400_000;
    const tagged = (pr: number, expires: number) => ({
      'preview-repository': 'infra',
      'preview-pull-request': String(pr),
      'expires-at': new Date(Date.now() + expires).toISOString(),
    });
    const groups = cloud.resources().resourceGroups;
    await hold(16, commit(7), 'abandoned');
    await hold(17, commit(7));
    await hold(18, commit(7));
    await groups.createOrUpdate('preview-infra-pr-16', { location: 'westeurope', tags: tagged(16, day) });
    await groups.createOrUpdate('preview-infra-pr-17', { location: 'westeurope', tags: tagged(17, -day) });
    await groups.createOrUpdate('preview-infra-pr-18', { location: 'westeurope', tags: tagged(18, day) });
    await groups.createOrUpdate('rg-untagged', { location: 'westeurope' });
    const run = await task({ mode: 'sweep' }, undefined, 509);
    expect(run.errors).toEqual([]);
    expect(JSON.parse(run.outputs.deleted!.value).sort()).toEqual([
      'preview-infra-pr-16',
      'preview-infra-pr-17',
    ]);
    expect(run.summaries.join('\n')).toMatch(
      /\| preview-infra-pr-16 \| #16 \| .* \| deleted \| pull request #16 is closed \|/,
    );
    for (const [name, kept] of [
      ['preview-infra-pr-16', false],
      ['preview-infra-pr-17', false],
      ['preview-infra-pr-18', true],
      ['rg-untagged', true],
    ] as const)
      expect([name, await groupExists(name)]).toEqual([name, kept]);
  });
});

describe('preview at subscription scope on Azure DevOps', () => {
  it('deploys a pull request as a deployment stack, then on completion deletes it with the group it made', async () => {
    const stackInputs = {
      scope: 'subscription',
      location: 'westeurope',
      template: 'bicep/landing-zone/main.bicep',
      parameterOverrides: 'name: ado-pr-19\ntags: {environment: preview}',
    };
    await hold(19, commit(8));
    const run = await task(stackInputs, { id: 19, commit: commit(8) }, 510);
    expect(run.errors).toEqual([]);
    expect([run.outputs.stackName?.value, run.outputs.resourceGroupName?.value]).toEqual([
      'preview-infra-pr-19',
      'rg-ado-pr-19',
    ]);
    expect(await groupExists('rg-ado-pr-19')).toBe(true);
    const [thread] = await liveThreads(19);
    expect(thread!.comments[0]!.content).toContain('deployment stack `preview-infra-pr-19`');

    const access = cloudSdkAccess(cloud.local.cloud);
    const stacks = new DeploymentStacksClient(
      access.credential,
      cloud.local.cloud.subscriptionId,
      access.options,
    );
    const stack = () => stacks.deploymentStacks.getAtSubscription('preview-infra-pr-19');
    await expect(stack()).resolves.toMatchObject({ tags: { 'preview-pull-request': '19' } });

    await hold(19, commit(8), 'completed');
    const destroy = await task(
      { mode: 'destroy', scope: 'subscription' },
      { id: 19, commit: commit(8) },
      511,
    );
    expect([destroy.errors, destroy.outputs.deleted?.value]).toEqual([[], 'true']);
    expect(await groupExists('rg-ado-pr-19')).toBe(false);
    await expect(stack()).rejects.toMatchObject({ statusCode: 404 });
  });
});
