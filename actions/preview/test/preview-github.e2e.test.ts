import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { secretLeaks } from '@azpn/action-host';
import { stickyAuthorOf } from '@azpn/code-host';
import { apiToken, fixture, PreviewCloud, type PullRequestMoment } from './github-preview-harness.js';

// The preview action's GitHub bundle, run as the runner runs it for a pull request's events, against the local
// cloud and its GitHub stand-in: the comment lifecycle (created, edited in place, concurrent runs, torn down), the
// tags, the refusals, a fork, and no secret anywhere.

const cloud = new PreviewCloud();
const sha = (n: number) => String(n).repeat(40).slice(0, 40);
const deployInputs = {
  template: fixture,
  'parameter-overrides': `apiToken: ${JSON.stringify(apiToken)}`,
  location: 'westeurope',
};
const group = (name: string) => `/subscriptions/${cloud.local.cloud.subscriptionId}/resourceGroups/${name}`;
const groupExists = (name: string) =>
  cloud.admin.getResource(group(name)).then(
    () => true,
    () => false,
  );

beforeAll(() => cloud.start());
afterAll(() => cloud.stop());

describe('preview on GitHub: one pull request from opened to closed', () => {
  const opened: PullRequestMoment = { number: 7, head: sha(1), action: 'opened' };
  const pushed: PullRequestMoment = { number: 7, head: sha(2), action: 'synchronize' };

  it('opened: deploys preview-infra-pr-7 with its tags and writes one comment with the what-if table and outputs', async () => {
    const step = await cloud.step(opened, deployInputs, { runId: 2001 });
    expect(step.errors).toEqual([]);
    expect(step.outputs).toMatchObject({
      'environment-name': 'preview-infra-pr-7',
      'resource-group': 'preview-infra-pr-7',
      vnetName: 'vnet-preview',
      skipped: 'false',
    });
    const tags = (await cloud.admin.getResource(group('preview-infra-pr-7'))).tags!;
    expect(tags).toMatchObject({
      'preview-repository': 'azpn/infra',
      'preview-pull-request': '7',
      'preview-head-commit': sha(1),
    });
    const ttl = Date.parse(tags['expires-at']!) - Date.parse(tags['created-at']!);
    expect(ttl).toBe(7 * 86_400_000);
    const [comment, ...more] = await cloud.comments(7);
    expect(more).toEqual([]);
    expect(comment!.body).toMatch(/^<!-- azpn-preview -->\n/);
    expect(comment!.body).toContain('### Preview `preview-infra-pr-7`: deployed');
    expect(comment!.body).toMatch(/\| Create \|.*virtualNetworks/);
    expect(comment!.body).toContain('| subnetPrefix | 10.40.1.0/24 |');
    expect(comment!.body).toContain(
      `[run](${cloud.local.cloud.services['github-api']!.serverUrl}/azpn/infra/actions/runs/2001/attempts/1)`,
    );
    expect(step.outputs['comment-id']).toBe(String(comment!.id));
    expect(secretLeaks(step, [apiToken], { extra: { comment: comment!.body } })).toEqual([]);
  });

  it('synchronize: renews the tags (head, expiry; created-at kept) and edits the same comment', async () => {
    const before = (await cloud.admin.getResource(group('preview-infra-pr-7'))).tags!;
    const [first] = await cloud.comments(7);
    const step = await cloud.step(pushed, { ...deployInputs, ttl: '2d' }, { runId: 2002 });
    expect(step.errors).toEqual([]);
    const tags = (await cloud.admin.getResource(group('preview-infra-pr-7'))).tags!;
    expect(tags['preview-head-commit']).toBe(sha(2));
    expect(tags['created-at']).toBe(before['created-at']);
    expect(Date.parse(tags['expires-at']!)).toBeGreaterThan(Date.now() + 86_400_000);
    const comments = await cloud.comments(7);
    expect(comments.map((c) => c.id)).toEqual([first!.id]);
    expect(stickyAuthorOf(comments[0]!.body)).toEqual({ head: sha(2), sequence: 2002001 });
  });

  it('two runs at once (a stale head and the newest) leave one comment showing the newest head', async () => {
    const newest: PullRequestMoment = { number: 7, head: sha(4), action: 'synchronize' };
    await cloud.hold(newest);
    const stale: PullRequestMoment = { number: 7, head: sha(3), action: 'synchronize' };
    const [a, b] = await Promise.all([
      cloud.step(stale, deployInputs, { runId: 2003, hold: false }),
      cloud.step(newest, deployInputs, { runId: 2004, hold: false }),
    ]);
    expect([a.errors, b.errors]).toEqual([[], []]);
    expect(a.log).toMatch(/The pull request's head is now 4444444, not 3333333: this run deploys nothing/);
    expect(a.outputs.skipped).toBe('true');
    const tags = (await cloud.admin.getResource(group('preview-infra-pr-7'))).tags!;
    expect(tags['preview-head-commit']).toBe(sha(4));
    const comments = await cloud.comments(7);
    expect(comments).toHaveLength(1);
    expect(stickyAuthorOf(comments[0]!.body)?.head).toBe(sha(4));
    expect(comments[0]!.body).toContain(': deployed');
  });

  it('two first runs at once for a new pull request create one comment, not two', async () => {
    const moment: PullRequestMoment = { number: 8, head: sha(5), action: 'opened' };
    await cloud.hold(moment);
    const runs = await Promise.all([
      cloud.step(moment, deployInputs, { runId: 2005, hold: false }),
      cloud.step(moment, deployInputs, { runId: 2006, hold: false }),
    ]);
    expect(runs.map((r) => r.errors)).toEqual([[], []]);
    const comments = await cloud.comments(8);
    expect(comments).toHaveLength(1);
    expect(stickyAuthorOf(comments[0]!.body)).toEqual({ head: sha(5), sequence: 2006001 });
  });

  it('closed: deletes the group, which its tags name as this pull request, and says so in the comment', async () => {
    const closed: PullRequestMoment = { number: 7, head: sha(4), action: 'closed' };
    const [before] = await cloud.comments(7);
    const step = await cloud.step(closed, { mode: 'destroy' }, { runId: 2007 });
    expect(step.errors).toEqual([]);
    expect(step.outputs.deleted).toBe('true');
    expect(await groupExists('preview-infra-pr-7')).toBe(false);
    const comments = await cloud.comments(7);
    expect(comments.map((c) => c.id)).toEqual([before!.id]);
    expect(comments[0]!.body).toContain(': torn down');
    expect(comments[0]!.body).toContain('The resource group `preview-infra-pr-7` was deleted.');
  });
});

describe('preview refusals and skips', () => {
  it('refuses to delete a group whose tags name another pull request, deletes nothing, and leaves the comment', async () => {
    // Someone else's group, with the name pull request 9's preview would have.
    await cloud.resources().resourceGroups.createOrUpdate('preview-infra-pr-9', {
      location: 'westeurope',
      tags: { 'preview-repository': 'azpn/infra', 'preview-pull-request': '10' },
    });
    const step = await cloud.step(
      { number: 9, head: sha(6), action: 'closed' },
      { mode: 'destroy', 'resource-group': 'preview-infra-pr-9' },
      { runId: 2008 },
    );
    expect(step.failed).toBe(true);
    expect(step.errors).toEqual([
      expect.stringMatching(
        /^The resource group preview-infra-pr-9 is not the preview of azpn\/infra pull request #9 \(its tags name azpn\/infra pull request #10\): nothing was deleted/,
      ),
    ]);
    expect(await cloud.comments(9)).toEqual([]);
    expect(await groupExists('preview-infra-pr-9')).toBe(true);
  });

  it('skips a pull request from a fork in one line: no token, no deploy, no comment, success', async () => {
    await cloud.admin.clearCalls();
    const step = await cloud.step({ number: 11, head: sha(7), action: 'opened', fork: true }, deployInputs, {
      runId: 2009,
    });
    expect(step.failed).toBe(false);
    expect(step.outputs.skipped).toBe('true');
    expect(step.log).toContain('This pull request comes from a fork, which gets no OIDC token');
    const armCalls = (await cloud.admin.calls()).filter((c) => c.path.startsWith('/subscriptions'));
    expect(armCalls).toEqual([]);
    expect(await cloud.comments(11)).toEqual([]);
  });

  it('names a bad input in one sentence before any call to Azure or GitHub', async () => {
    await cloud.admin.clearCalls();
    const step = await cloud.step(
      { number: 12, head: sha(8), action: 'opened' },
      { ...deployInputs, ttl: 'forever' },
      { hold: false },
    );
    expect(step.errors).toEqual([
      'Input ttl is "forever": use a number with m, h, d or w (minutes, hours, days, weeks) between 10m and 90d, such as 7d.',
    ]);
    const calls = (await cloud.admin.calls()).filter(
      (c) => !c.path.startsWith('/github-actions') && c.path !== '/_admin',
    );
    expect(calls.filter((c) => c.path.startsWith('/subscriptions') || c.path.startsWith('/api/v3'))).toEqual(
      [],
    );
  });

  it('a deploy ARM refuses ends the comment with the failure sentence, and the step with it, no secret in either', async () => {
    const moment: PullRequestMoment = { number: 14, head: sha(9), action: 'opened' };
    const overrides = `apiToken: ${JSON.stringify(apiToken)}\naddressPrefix: 10.40.0.0/33`;
    const step = await cloud.step(
      moment,
      { ...deployInputs, 'parameter-overrides': overrides },
      { runId: 2010 },
    );
    expect(step.failed).toBe(true);
    const [comment] = await cloud.comments(14);
    expect(comment!.body).toContain('### Preview `preview-infra-pr-14`: deploy failed');
    expect(comment!.body).toContain(step.errors[0]!.slice(0, 60));
    expect(secretLeaks(step, [apiToken], { extra: { comment: comment!.body } })).toEqual([]);
  });

  it('fails before touching Azure when its token cannot comment, naming the permission', async () => {
    const moment: PullRequestMoment = { number: 13, head: sha(9), action: 'opened' };
    const step = await cloud.step(moment, deployInputs, { permissions: { 'pull-requests': 'read' } });
    expect(step.errors).toEqual([
      expect.stringMatching(
        /^GitHub refused to comment on pull request #13 \(403: Resource not accessible by integration\): give the job `pull-requests: write`/,
      ),
    ]);
    expect(await groupExists('preview-infra-pr-13')).toBe(false);
  });
});
