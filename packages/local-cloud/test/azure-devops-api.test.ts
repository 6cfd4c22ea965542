import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getBearerHandler, getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import {
  CommentThreadStatus,
  CommentType,
  PullRequestStatus,
} from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import {
  cloudRequest,
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '../src/index.js';

// The Azure DevOps stand-in through the official client (azure-devops-node-api), as a pipeline task reaches its
// organisation with System.AccessToken: location discovery, pull request threads, work items on the Basic process,
// WIQL, and Azure DevOps' refusals.

interface AdminState {
  pullRequests: {
    pullRequestId: number;
    status: string;
    threads: { id: number; status: string; comments: { content: string; isDeleted: boolean }[] }[];
  }[];
  workItems: { id: number; rev: number; fields: Record<string, unknown>; comments: { text: string }[] }[];
}

let local: LocalCloud;
let admin: LocalCloudAdmin;
let collection: string;
let project: string;
let connection: WebApi;

const state = async () => (await admin.pluginState('azure-devops-api')) as AdminState;
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: { statusCode?: number; message: string }) => error,
  );
const patch = (fields: Record<string, unknown>) =>
  Object.entries(fields).map(([name, value]) => ({ op: 'add', path: `/fields/${name}`, value }));

beforeAll(async () => {
  local = await startLocalCloud({ scenario: defaultScenario() });
  trustCloudCa(local.cloud.caPem);
  admin = new LocalCloudAdmin(local.cloud);
  const described = local.cloud.services['azure-devops-api']!;
  collection = described.collectionUri as string;
  project = described.project as string;
  await admin.pluginCall('azure-devops-api', 'PUT', '/repositories/infra/pullrequests/12', {
    sourceCommit: 'c'.repeat(40),
    sourceRefName: 'refs/heads/feature/forwarder',
  });
  connection = new WebApi(collection, getBearerHandler(local.cloud.azureDevOps.systemAccessToken));
});
afterAll(async () => {
  await local?.stop();
});

describe('the Azure DevOps stand-in at <cloud>/tfs/{organization}/', () => {
  it('answers the discovery the client makes before its first call, then the call with the api-version it negotiated', async () => {
    await admin.clearCalls();
    const git = await connection.getGitApi();
    const pull = await git.getPullRequestById(12, project);
    expect(pull).toMatchObject({ pullRequestId: 12, status: PullRequestStatus.Active });
    expect(pull.lastMergeSourceCommit?.commitId).toBe('c'.repeat(40));
    const calls = (await admin.calls()).map(
      (c) => `${c.method} ${c.path.replace(/^\/tfs\/local-org/, '')} ${c.status}`,
    );
    expect(calls).toEqual([
      'OPTIONS /_apis/Location 200',
      'GET /_apis/ResourceAreas 200',
      'OPTIONS /_apis/git 200',
      `GET /${project}/_apis/git/pullRequests/12 200`,
    ]);
    const connected = await connection.connect();
    expect(connected.authenticatedUser?.providerDisplayName).toBe('Project Collection Build Service');
  });

  it('keeps one pull request thread: create with its first comment, find, edit in place, add, resolve', async () => {
    const git = await connection.getGitApi();
    const created = await git.createThread(
      {
        comments: [
          { content: '<!-- azpn-preview -->\nDeploying', parentCommentId: 0, commentType: CommentType.Text },
        ],
        status: CommentThreadStatus.Active,
        properties: { 'azpn.preview': { $type: 'System.String', $value: 'pr-12' } },
      },
      'infra',
      12,
      project,
    );
    expect(created.status).toBe(CommentThreadStatus.Active);
    const threads = await git.getThreads('infra', 12, project);
    const mine = threads.filter((t) => t.comments?.[0]?.content?.startsWith('<!-- azpn-preview -->'));
    expect(mine.map((t) => t.id)).toEqual([created.id]);
    expect(mine[0]!.properties).toMatchObject({ 'azpn.preview': { $value: 'pr-12' } });
    const edited = await git.updateComment(
      { content: '<!-- azpn-preview -->\nDeployed' },
      'infra',
      12,
      created.id!,
      1,
      project,
    );
    expect(edited.content).toContain('Deployed');
    await git.createComment({ content: 'torn down', parentCommentId: 1 }, 'infra', 12, created.id!, project);
    await git.updateThread({ status: CommentThreadStatus.Closed }, 'infra', 12, created.id!, project);
    const kept = (await state()).pullRequests.find((p) => p.pullRequestId === 12)!;
    expect(kept.threads).toEqual([
      expect.objectContaining({
        status: 'closed',
        comments: [
          expect.objectContaining({ content: '<!-- azpn-preview -->\nDeployed' }),
          expect.objectContaining({ content: 'torn down' }),
        ],
      }),
    ]);
  });

  it('answers a pull request completed, abandoned or from a fork as changed through the admin API', async () => {
    await admin.pluginCall('azure-devops-api', 'PUT', '/repositories/infra/pullrequests/13', {
      forkSource: 'contributor/infra',
      status: 'abandoned',
    });
    const git = await connection.getGitApi();
    const pull = await git.getPullRequest('infra', 13, project);
    expect(pull.status).toBe(PullRequestStatus.Abandoned);
    expect(pull.forkSource?.repository?.name).toBe('contributor/infra');
    expect(await git.getPullRequestById(99, project)).toBeNull();
    const active = await git.getPullRequests('infra', { status: PullRequestStatus.Active }, project);
    expect(active.map((p) => p.pullRequestId)).toEqual([12]);
  });
});

describe('work items on the Basic process', () => {
  it('creates from JSON Patch, finds by WIQL on tag and title, moves To Do → Doing → Done, keeps the discussion', async () => {
    const wit = await connection.getWorkItemTrackingApi();
    const created = await wit.createWorkItem(
      null,
      patch({
        'System.Title': 'Drift in env-a',
        'System.Tags': 'azpn-drift; env-a;AZPN-DRIFT',
        'System.Description': '<p>x</p>',
      }),
      project,
      'Issue',
    );
    expect(created.fields).toMatchObject({
      'System.State': 'To Do',
      'System.Tags': 'azpn-drift; env-a',
      'System.WorkItemType': 'Issue',
      'System.TeamProject': project,
    });
    expect(created.rev).toBe(1);
    await wit.createWorkItem(
      null,
      patch({ 'System.Title': 'Drift in env-b', 'System.Tags': 'azpn-drift' }),
      project,
      'Issue',
    );
    const found = await wit.queryByWiql(
      {
        query: `SELECT [System.Id], [System.Title] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.Tags] CONTAINS 'azpn-drift' AND [System.Title] = 'drift in ENV-A' AND [System.State] <> 'Done' ORDER BY [System.Id] DESC`,
      },
      { project },
    );
    expect(found.workItems?.map((w) => w.id)).toEqual([created.id]);
    expect(found.columns?.map((c) => c.name)).toEqual(['ID', 'Title']);
    await wit.updateWorkItem(
      null,
      [{ op: 'replace', path: '/fields/System.State', value: 'Doing' }],
      created.id!,
      project,
    );
    const done = await wit.updateWorkItem(
      null,
      [
        { op: 'test', path: '/rev', value: 2 },
        { op: 'replace', path: '/fields/System.State', value: 'done' },
        { op: 'add', path: '/fields/System.History', value: 'Clean again.' },
      ],
      created.id!,
      project,
    );
    expect(done.fields).toMatchObject({ 'System.State': 'Done', 'System.CommentCount': 1 });
    expect(done.rev).toBe(3);
    await wit.addComment({ text: 'Closed by the drift check.' }, project, created.id!);
    const comments = await wit.getComments(project, created.id!);
    expect(comments.comments?.map((c) => c.text)).toEqual(['Clean again.', 'Closed by the drift check.']);
    const open = await wit.queryByWiql(
      {
        query:
          "SELECT [System.Id] FROM WorkItems WHERE [System.Tags] CONTAINS 'azpn-drift' AND ([System.State] = 'To Do' OR [System.State] = 'Doing')",
      },
      { project },
    );
    expect(open.workItems?.length).toBe(1);
    const kept = (await state()).workItems.find((w) => w.id === created.id)!;
    expect(kept).toMatchObject({ rev: 3, fields: { 'System.State': 'Done' } });
  });

  it('refuses what Azure DevOps refuses: a state outside the process, a type it lacks, a stale revision, a bad query', async () => {
    const wit = await connection.getWorkItemTrackingApi();
    const item = await wit.createWorkItem(null, patch({ 'System.Title': 'x' }), project, 'Task');
    const closed = await failure(
      wit.updateWorkItem(
        null,
        [{ op: 'replace', path: '/fields/System.State', value: 'Closed' }],
        item.id!,
        project,
      ),
    );
    expect(closed).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/^TF401320: Rule Error for field State/),
    });
    // The client answers null for a 404, as typed-rest-client does; the sentence is the service's.
    expect(await wit.createWorkItem(null, patch({ 'System.Title': 'x' }), project, 'Bug')).toBeNull();
    const stale = await failure(
      wit.updateWorkItem(
        null,
        [
          { op: 'test', path: '/rev', value: 7 },
          { op: 'add', path: '/fields/System.Title', value: 'y' },
        ],
        item.id!,
        project,
      ),
    );
    expect(stale).toMatchObject({ statusCode: 412, message: expect.stringMatching(/^TF26071/) });
    const unknown = await failure(
      wit.queryByWiql({ query: 'SELECT [System.Id] FROM WorkItems WHERE [Custom.Env] = 1' }, { project }),
    );
    expect(unknown.message).toMatch(/^TF51005/);
    const readOnly = await failure(
      wit.updateWorkItem(null, patch({ 'System.CreatedDate': 'now' }), item.id!, project),
    );
    expect(readOnly.message).toMatch(/ReadOnly/);
    expect((await state()).workItems.find((w) => w.id === item.id)).toMatchObject({
      rev: 1,
      fields: { 'System.Title': 'x' },
    });
  });
});

describe('credentials and api-versions', () => {
  const raw = (path: string, headers: Record<string, string>, method = 'GET', body?: unknown) =>
    cloudRequest(local.cloud.caPem, method, `${collection}${path}`, { headers, body });
  const bearer = () => ({ authorization: `Bearer ${local.cloud.azureDevOps.systemAccessToken}` });

  it('answers no credentials with the sign-in page (203) and a wrong token with 401', async () => {
    const anonymous = await raw(`${project}/_apis/wit/workItems/1?api-version=7.1`, {});
    expect(anonymous.status).toBe(203);
    expect(String(anonymous.headers['content-type'])).toMatch(/^text\/html/);
    const wrong = new WebApi(collection, getPersonalAccessTokenHandler('not-the-token'));
    const refused = await failure(wrong.getGitApi());
    expect(refused.statusCode).toBe(401);
    const pat = new WebApi(
      collection,
      getPersonalAccessTokenHandler(local.cloud.azureDevOps.systemAccessToken),
    );
    expect((await (await pat.getGitApi()).getPullRequestById(12, project)).pullRequestId).toBe(12);
  });

  it('takes the api-version from the query or Accept, and refuses none, an unreleased one without -preview, and JSON for a patch', async () => {
    const path = `${project}/_apis/wit/workItems/1`;
    expect((await raw(path, { ...bearer(), accept: 'application/json;api-version=7.1' })).status).toBe(200);
    expect(await raw(path, bearer())).toMatchObject({
      status: 400,
      body: { typeKey: 'VssVersionNotSpecifiedException' },
    });
    expect(await raw(`${path}?api-version=7.2`, bearer())).toMatchObject({
      status: 400,
      body: { typeKey: 'VssInvalidPreviewVersionException' },
    });
    expect((await raw(`${path}?api-version=7.2-preview.3`, bearer())).status).toBe(200);
    expect(await raw(`${path}?api-version=8.0`, bearer())).toMatchObject({ status: 400 });
    const asJson = await raw(`${path}?api-version=7.1`, bearer(), 'PATCH', patch({ 'System.Title': 'z' }));
    expect(asJson).toMatchObject({
      status: 415,
      body: { message: expect.stringMatching(/application\/json-patch\+json/) },
    });
    expect(
      (await raw(`other-project/_apis/wit/wiql?api-version=7.1`, bearer(), 'POST', { query: 'x' })).body,
    ).toMatchObject({
      message: expect.stringMatching(/^TF200016/),
    });
  });
});
