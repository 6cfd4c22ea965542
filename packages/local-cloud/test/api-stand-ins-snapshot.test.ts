import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getOctokit } from '@actions/github';
import { getBearerHandler, WebApi } from 'azure-devops-node-api';
import {
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '../src/index.js';

// The GitHub and Azure DevOps stand-ins keep their state in the snapshot file: a cloud started again from it still
// has the issues, comments, threads and work items, reached with the new start's tokens.

let local: LocalCloud | undefined;
let dir: string;

afterAll(async () => {
  await local?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function start(snapshotFile: string): Promise<{ local: LocalCloud; admin: LocalCloudAdmin }> {
  const started = await startLocalCloud({ scenario: defaultScenario(), snapshotFile });
  trustCloudCa(started.cloud.caPem);
  return { local: started, admin: new LocalCloudAdmin(started.cloud) };
}

async function gitHub(started: { local: LocalCloud; admin: LocalCloudAdmin }) {
  const { token } = (await started.admin.pluginCall('github-api', 'POST', '/tokens', {
    repository: 'azpn/infra',
    permissions: { issues: 'write', 'pull-requests': 'write' },
  })) as { token: string };
  return getOctokit(token, { baseUrl: started.local.cloud.services['github-api']!.apiUrl as string });
}

const devOps = (started: { local: LocalCloud }) =>
  new WebApi(
    started.local.cloud.services['azure-devops-api']!.collectionUri as string,
    getBearerHandler(started.local.cloud.azureDevOps.systemAccessToken),
  );

describe('the API stand-ins in the snapshot file', () => {
  it('come back after a restart with their issues, comments, threads and work items', async () => {
    dir = await mkdtemp(join(tmpdir(), 'stand-ins-snapshot-'));
    const file = join(dir, 'snapshot.json');
    let started = await start(file);
    local = started.local;
    await started.admin.pluginCall('github-api', 'PUT', '/repositories/azpn/infra/pulls/5', {});
    const octokit = await gitHub(started);
    const issue = await octokit.rest.issues.create({
      owner: 'azpn',
      repo: 'infra',
      title: 'kept',
      labels: ['x'],
    });
    await octokit.rest.issues.createComment({
      owner: 'azpn',
      repo: 'infra',
      issue_number: 5,
      body: 'kept too',
    });
    await started.admin.pluginCall('azure-devops-api', 'PUT', '/repositories/infra/pullrequests/4', {});
    const project = started.local.cloud.azureDevOps.project;
    const git = await devOps(started).getGitApi();
    await git.createThread({ comments: [{ content: 'thread kept' }] }, 'infra', 4, project);
    const wit = await devOps(started).getWorkItemTrackingApi();
    const item = await wit.createWorkItem(
      null,
      [{ op: 'add', path: '/fields/System.Title', value: 'kept' }],
      project,
      'Issue',
    );
    await started.local.stop();

    started = await start(file);
    local = started.local;
    const again = await gitHub(started);
    const read = await again.rest.issues.get({
      owner: 'azpn',
      repo: 'infra',
      issue_number: issue.data.number,
    });
    expect(read.data).toMatchObject({ title: 'kept', labels: [expect.objectContaining({ name: 'x' })] });
    const comments = await again.rest.issues.listComments({ owner: 'azpn', repo: 'infra', issue_number: 5 });
    expect(comments.data.map((c) => c.body)).toEqual(['kept too']);
    const next = await again.rest.issues.create({ owner: 'azpn', repo: 'infra', title: 'numbered after' });
    expect(next.data.number).toBe(issue.data.number + 1);
    expect(next.data.id).toBeGreaterThan(read.data.id);
    const threads = await (await devOps(started).getGitApi()).getThreads('infra', 4, project);
    expect(threads.map((t) => t.comments?.[0]?.content)).toEqual(['thread kept']);
    const witAgain = await devOps(started).getWorkItemTrackingApi();
    expect(
      (await witAgain.getWorkItem(item.id!, undefined, undefined, undefined, project)).fields?.[
        'System.Title'
      ],
    ).toBe('kept');
    const second = await witAgain.createWorkItem(
      null,
      [{ op: 'add', path: '/fields/System.Title', value: 'n' }],
      project,
      'Task',
    );
    expect(second.id).toBe(item.id! + 1);
  });
});
