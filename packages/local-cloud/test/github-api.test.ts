import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getOctokit } from '@actions/github';
import {
  cloudRequest,
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '../src/index.js';

// The GitHub stand-in through the client the actions use (@actions/github's Octokit), as a workflow job would reach
// GitHub Enterprise Server with its GITHUB_TOKEN: permissions, rate limits, and state read through the admin API.

type Octokit = ReturnType<typeof getOctokit>;
interface AdminState {
  repositories: {
    fullName: string;
    issues: { number: number; title: string; state: string; stateReason: string | null; labels: string[] }[];
    comments: { id: number; issueNumber: number; body: string }[];
    labels: { name: string; color: string }[];
  }[];
  tokens: { repository: string; used: { core: number; search: number } }[];
}

let local: LocalCloud;
let admin: LocalCloudAdmin;
let apiUrl: string;
const repo = { owner: 'azpn', repo: 'infra' };

async function token(
  permissions: Record<string, string>,
  options: { repository?: string; rateLimit?: Record<string, number> } = {},
): Promise<string> {
  const minted = (await admin.pluginCall('github-api', 'POST', '/tokens', {
    repository: options.repository ?? 'azpn/infra',
    permissions,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  })) as { token: string };
  return minted.token;
}

const client = (t: string): Octokit => getOctokit(t, { baseUrl: apiUrl });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: { status: number; response?: { data: unknown; headers: Record<string, string> } }) => error,
  );
const state = async () => (await admin.pluginState('github-api')) as AdminState;
const repository = async () => (await state()).repositories.find((r) => r.fullName === 'azpn/infra')!;

beforeAll(async () => {
  local = await startLocalCloud({ scenario: defaultScenario() });
  trustCloudCa(local.cloud.caPem);
  admin = new LocalCloudAdmin(local.cloud);
  apiUrl = local.cloud.services['github-api']!.apiUrl as string;
  await admin.pluginCall('github-api', 'PUT', '/repositories/azpn/infra/pulls/7', {
    headSha: 'a'.repeat(40),
    headRef: 'feature-7',
    title: 'Add the forwarder',
  });
});
afterAll(async () => {
  await local?.stop();
});

describe('the GitHub stand-in at /api/v3', () => {
  it('is described in cloud.json as an Enterprise Server and checks the token before anything', async () => {
    expect(apiUrl).toBe(`${local.cloud.resourceManager}api/v3`);
    const url = `${apiUrl}/repos/azpn/infra/issues`;
    const anonymous = await cloudRequest(local.cloud.caPem, 'GET', url);
    expect(anonymous).toMatchObject({ status: 401, body: { message: 'Requires authentication' } });
    const bad = await cloudRequest(local.cloud.caPem, 'GET', url, {
      headers: { authorization: 'token ghs_x' },
    });
    expect(bad).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
    expect(bad.headers['x-github-enterprise-version']).toBe('3.19.0');
  });

  it('creates, finds, closes and reopens issues with labels, state and state_reason', async () => {
    const github = client(await token({ issues: 'write' }));
    const created = await github.rest.issues.create({
      ...repo,
      title: 'Drift in preview',
      body: '<!-- azpn-drift:preview -->\nchanges',
      labels: ['azpn-drift'],
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      state: 'open',
      user: { login: 'github-actions[bot]', type: 'Bot' },
    });
    expect(created.data.labels).toEqual([expect.objectContaining({ name: 'azpn-drift', color: 'ededed' })]);
    const byLabel = await github.rest.issues.listForRepo({ ...repo, labels: 'AZPN-drift', state: 'open' });
    expect(byLabel.data.map((i) => i.number)).toEqual([created.data.number]);
    const closed = await github.rest.issues.update({
      ...repo,
      issue_number: created.data.number,
      state: 'closed',
      state_reason: 'not_planned',
    });
    expect(closed.data).toMatchObject({ state: 'closed', state_reason: 'not_planned' });
    expect(closed.data.closed_at).not.toBeNull();
    expect((await github.rest.issues.listForRepo({ ...repo, labels: 'azpn-drift' })).data).toEqual([]);
    const reopened = await github.rest.issues.update({
      ...repo,
      issue_number: created.data.number,
      state: 'open',
    });
    expect(reopened.data).toMatchObject({ state: 'open', state_reason: 'reopened', closed_at: null });
    const invalid = await failure(
      github.rest.issues.update({ ...repo, issue_number: created.data.number, state: 'merged' as 'open' }),
    );
    expect(invalid.status).toBe(422);
    const missing = await failure(
      github.request('POST /repos/{owner}/{repo}/issues', { ...repo, body: 'x' } as never),
    );
    expect(missing.status).toBe(422);
    const found = (await repository()).issues.find((i) => i.number === created.data.number);
    expect(found).toMatchObject({ state: 'open', stateReason: 'reopened', labels: ['azpn-drift'] });
  });

  it('numbers issues after the pull requests and lists pull requests among issues, as GitHub does', async () => {
    const github = client(await token({ issues: 'write', 'pull-requests': 'read' }));
    const created = await github.rest.issues.create({ ...repo, title: 'after seven' });
    expect(created.data.number).toBeGreaterThan(7);
    const all = await github.rest.issues.listForRepo({ ...repo, state: 'all', per_page: 100 });
    expect(all.data.find((i) => i.number === 7)?.pull_request?.url).toBe(
      `${apiUrl}/repos/azpn/infra/pulls/7`,
    );
    const issuesOnly = client(await token({ issues: 'read' }));
    const seen = await issuesOnly.rest.issues.listForRepo({ ...repo, state: 'all', per_page: 100 });
    expect(seen.data.some((i) => i.number === 7)).toBe(false);
  });

  it('keeps a pull request conversation: create, page through, edit and delete comments', async () => {
    const github = client(await token({ 'pull-requests': 'write' }));
    const first = await github.rest.issues.createComment({
      ...repo,
      issue_number: 7,
      body: 'preview: deploying',
    });
    expect(first.status).toBe(201);
    expect(first.data.html_url).toBe(
      `${local.cloud.resourceManager}azpn/infra/pull/7#issuecomment-${first.data.id}`,
    );
    for (let i = 0; i < 34; i++)
      await github.rest.issues.createComment({ ...repo, issue_number: 7, body: `n${i}` });
    const page = await github.rest.issues.listComments({ ...repo, issue_number: 7 });
    expect(page.data).toHaveLength(30);
    expect(page.headers.link).toMatch(/rel="next"/);
    const all = await github.paginate(github.rest.issues.listComments, {
      ...repo,
      issue_number: 7,
      per_page: 100,
    });
    expect(all.map((c) => c.body)).toEqual([
      'preview: deploying',
      ...Array.from({ length: 34 }, (_, i) => `n${i}`),
    ]);
    const edited = await github.rest.issues.updateComment({
      ...repo,
      comment_id: first.data.id,
      body: 'deployed',
    });
    expect(edited.data.body).toBe('deployed');
    for (const comment of all.slice(1))
      expect((await github.rest.issues.deleteComment({ ...repo, comment_id: comment.id })).status).toBe(204);
    const left = (await repository()).comments.filter((c) => c.issueNumber === 7);
    expect(left).toEqual([expect.objectContaining({ id: first.data.id, body: 'deployed' })]);
    const tooLong = await failure(
      github.rest.issues.updateComment({ ...repo, comment_id: first.data.id, body: 'x'.repeat(65_537) }),
    );
    expect(tooLong.status).toBe(422);
  });

  it('gets, creates and adds labels, refusing a duplicate name as GitHub does', async () => {
    const github = client(await token({ issues: 'write' }));
    expect((await failure(github.rest.issues.getLabel({ ...repo, name: 'preview' }))).status).toBe(404);
    const label = await github.rest.issues.createLabel({ ...repo, name: 'preview', color: '0e8a16' });
    expect(label.data).toMatchObject({ name: 'preview', color: '0e8a16' });
    const again = await failure(github.rest.issues.createLabel({ ...repo, name: 'Preview' }));
    expect(again.status).toBe(422);
    expect(again.response?.data).toMatchObject({ errors: [{ code: 'already_exists', field: 'name' }] });
    expect((await github.rest.issues.getLabel({ ...repo, name: 'PREVIEW' })).data.name).toBe('preview');
    const issue = await github.rest.issues.create({ ...repo, title: 'labelled' });
    const added = await github.rest.issues.addLabels({
      ...repo,
      issue_number: issue.data.number,
      labels: ['preview'],
    });
    expect(added.data.map((l) => l.name)).toEqual(['preview']);
  });

  it('answers pull requests as seeded, with the head commit, fork flag and state', async () => {
    await admin.pluginCall('github-api', 'PUT', '/repositories/azpn/infra/pulls/40', {
      headSha: 'b'.repeat(40),
      headRepository: 'contributor/infra',
    });
    const github = client(await token({ 'pull-requests': 'read' }));
    const pull = await github.rest.pulls.get({ ...repo, pull_number: 40 });
    expect(pull.data.head).toMatchObject({
      sha: 'b'.repeat(40),
      repo: { full_name: 'contributor/infra', fork: true },
    });
    expect(pull.data.state).toBe('open');
    await admin.pluginCall('github-api', 'PUT', '/repositories/azpn/infra/pulls/40', { state: 'closed' });
    const open = await github.rest.pulls.list({ ...repo, state: 'open' });
    expect(open.data.map((p) => p.number)).toEqual([7]);
    const closed = await github.rest.pulls.list({ ...repo, state: 'closed' });
    expect(closed.data.map((p) => [p.number, p.state])).toEqual([[40, 'closed']]);
    expect((await failure(github.rest.pulls.get({ ...repo, pull_number: 8 }))).status).toBe(404);
  });

  it('finds an issue by label and a marker in its body through the search API', async () => {
    const writer = client(await token({ issues: 'write' }));
    const marked = await writer.rest.issues.create({
      ...repo,
      title: 'Drift in env-a',
      body: 'table\n<!-- azpn-drift:env-a -->',
      labels: ['drift'],
    });
    await writer.rest.issues.create({
      ...repo,
      title: 'Drift in env-b',
      body: '<!-- azpn-drift:env-b -->',
      labels: ['drift'],
    });
    const found = await writer.rest.search.issuesAndPullRequests({
      q: 'repo:azpn/infra label:drift is:issue in:body "azpn-drift:env-a"',
    });
    expect(found.data.total_count).toBe(1);
    expect(found.data.items[0]).toMatchObject({ number: marked.data.number, score: 1 });
    expect(found.headers['x-ratelimit-resource']).toBe('search');
    const elsewhere = await failure(writer.rest.search.issuesAndPullRequests({ q: 'repo:other/repo drift' }));
    expect(elsewhere.status).toBe(422);
  });
});

describe('job token permissions', () => {
  it("refuses writes without the permission with GitHub's 403, and reads without read", async () => {
    const readOnly = client(await token({ issues: 'read', 'pull-requests': 'read' }));
    const comment = await failure(
      readOnly.rest.issues.createComment({ ...repo, issue_number: 7, body: 'x' }),
    );
    expect(comment.status).toBe(403);
    expect(comment.response?.data).toMatchObject({ message: 'Resource not accessible by integration' });
    expect(comment.response?.headers['x-accepted-github-permissions']).toBe('pull_requests=write');
    expect((await failure(readOnly.rest.issues.create({ ...repo, title: 'x' }))).status).toBe(403);
    const nothing = client(await token({ contents: 'read' }));
    expect((await failure(nothing.rest.issues.listComments({ ...repo, issue_number: 7 }))).status).toBe(403);
    expect((await failure(nothing.rest.pulls.get({ ...repo, pull_number: 7 }))).status).toBe(403);
  });

  it('guards a pull request with pull-requests and an issue with issues', async () => {
    const pullsOnly = client(await token({ 'pull-requests': 'write' }));
    expect((await pullsOnly.rest.issues.createComment({ ...repo, issue_number: 7, body: 'ok' })).status).toBe(
      201,
    );
    const issue = await client(await token({ issues: 'write' })).rest.issues.create({
      ...repo,
      title: 'plain',
    });
    const refused = await failure(
      pullsOnly.rest.issues.createComment({ ...repo, issue_number: issue.data.number, body: 'x' }),
    );
    expect(refused.status).toBe(403);
    expect(refused.response?.headers['x-accepted-github-permissions']).toBe('issues=write');
  });

  it('shows a token only its own repository', async () => {
    const other = client(await token({ issues: 'write' }, { repository: 'azpn/other' }));
    expect((await failure(other.rest.issues.listForRepo(repo))).status).toBe(404);
  });
});

describe('rate limits', () => {
  it('sends x-ratelimit headers, refuses past the budget until the window resets, and /rate_limit is free', async () => {
    const github = client(await token({ issues: 'read' }, { rateLimit: { core: 2 } }));
    const first = await github.rest.issues.listForRepo(repo);
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '1',
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
    });
    await github.rest.issues.listForRepo(repo);
    const spent = await failure(github.rest.issues.listForRepo(repo));
    expect(spent.status).toBe(403);
    expect(spent.response?.headers['x-ratelimit-remaining']).toBe('0');
    expect(spent.response?.data).toMatchObject({
      message: expect.stringMatching(/^API rate limit exceeded/),
    });
    const overview = await github.rest.rateLimit.get();
    expect(overview.data.resources.core).toMatchObject({ limit: 2, remaining: 0, used: 2 });
    const reset = Number(spent.response?.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    await admin.advanceClock(3601);
    expect((await github.rest.issues.listForRepo(repo)).headers['x-ratelimit-remaining']).toBe('1');
  });

  it('answers 429 instead when the token was minted so', async () => {
    const minted = (await admin.pluginCall('github-api', 'POST', '/tokens', {
      repository: 'azpn/infra',
      permissions: { issues: 'read' },
      rateLimit: { core: 0, status: 429 },
    })) as { token: string };
    expect((await failure(client(minted.token).rest.issues.listForRepo(repo))).status).toBe(429);
  });
});

describe('admin state', () => {
  it('shows issues with their states and labels, comments and labels, and token use without the tokens', async () => {
    const shown = await state();
    const infra = shown.repositories.find((r) => r.fullName === 'azpn/infra')!;
    expect(infra.labels.map((l) => l.name)).toEqual(
      expect.arrayContaining(['azpn-drift', 'preview', 'drift']),
    );
    expect(infra.issues.find((i) => i.number === 7)).toMatchObject({
      title: 'Add the forwarder',
      state: 'open',
    });
    expect(JSON.stringify(shown)).not.toMatch(/ghs_/);
    expect(shown.tokens.length).toBeGreaterThan(5);
  });

  it('refuses an admin call it does not know, and a bad seed, with a sentence', async () => {
    await expect(admin.pluginCall('github-api', 'POST', '/nothing')).rejects.toThrow(
      /has no admin call 'POST \/nothing'/,
    );
    await expect(
      admin.pluginCall('github-api', 'PUT', '/repositories/azpn/infra/pulls/7', { headSha: 'short' }),
    ).rejects.toThrow(/'headSha' must be a 40-hex commit id/);
    await expect(
      admin.pluginCall('github-api', 'POST', '/tokens', {
        repository: 'azpn/infra',
        permissions: { issues: 'admin' },
      }),
    ).rejects.toThrow(/'permissions.issues' is "admin"/);
  });
});
