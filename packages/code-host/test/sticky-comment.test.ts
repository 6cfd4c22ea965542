import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '@azpn/local-cloud';
import {
  azureReposPullRequests,
  gitHubPullRequests,
  stickyAuthorOf,
  writeStickyComment,
  type PullRequestHost,
} from '@azpn/code-host';

// The sticky comment against the local cloud's GitHub and Azure DevOps stand-ins, through the real clients: one
// comment edited in place, runs for an older head or an earlier run never overwriting, and concurrent writers
// (real interleaved HTTP calls) ending with one comment that shows the newest head.

const marker = '<!-- azpn-test-sticky -->';
const h1 = '1'.repeat(40);
const h2 = '2'.repeat(40);
let local: LocalCloud;
let admin: LocalCloudAdmin;

beforeAll(async () => {
  local = await startLocalCloud({ scenario: defaultScenario() });
  trustCloudCa(local.cloud.caPem);
  admin = new LocalCloudAdmin(local.cloud);
});
afterAll(async () => {
  await local?.stop();
});

async function gitHub(
  permissions: Record<string, string> = { 'pull-requests': 'write' },
): Promise<PullRequestHost> {
  const { token } = (await admin.pluginCall('github-api', 'POST', '/tokens', {
    repository: 'azpn/infra',
    permissions,
  })) as { token: string };
  return gitHubPullRequests({
    apiUrl: local.cloud.services['github-api']!.apiUrl as string,
    repository: 'azpn/infra',
    token,
  });
}

function azureRepos(): PullRequestHost {
  const service = local.cloud.services['azure-devops-api']!;
  return azureReposPullRequests({
    collectionUri: service.collectionUri as string,
    project: service.project as string,
    repositoryId: 'infra',
    token: local.cloud.azureDevOps.systemAccessToken,
  });
}

const hosts: [string, () => Promise<PullRequestHost>, (n: number, head: string) => Promise<unknown>][] = [
  [
    'GitHub',
    () => gitHub(),
    (n, head) =>
      admin.pluginCall('github-api', 'PUT', `/repositories/azpn/infra/pulls/${n}`, { headSha: head }),
  ],
  [
    'Azure Repos',
    async () => azureRepos(),
    (n, head) =>
      admin.pluginCall('azure-devops-api', 'PUT', `/repositories/infra/pullrequests/${n}`, {
        sourceCommit: head,
      }),
  ],
];

describe.each(hosts)('the sticky comment on %s', (_name, open, setHead) => {
  it('is created once, then edited in place; an earlier run or an older head never overwrites it', async () => {
    const host = await open();
    await setHead(50, h1);
    const store = host.comments(50);
    const first = await writeStickyComment(store, marker, { head: h1, sequence: 10 }, 'deploying h1');
    expect(first.written).toBe(true);
    const second = await writeStickyComment(store, marker, { head: h1, sequence: 10 }, 'deployed h1');
    expect(second.comment!.id).toBe(first.comment!.id);
    const earlier = await writeStickyComment(store, marker, { head: h1, sequence: 9 }, 'from an earlier run');
    expect(earlier).toMatchObject({ written: false, reason: expect.stringMatching(/a later run/) });
    await setHead(50, h2);
    const stale = await writeStickyComment(store, marker, { head: h1, sequence: 11 }, 'late h1');
    expect(stale).toMatchObject({ written: false, reason: expect.stringMatching(/head is now 2222222/) });
    const found = await store.list(marker);
    expect(found).toHaveLength(1);
    expect(found[0]!.body).toContain('deployed h1');
    expect(stickyAuthorOf(found[0]!.body)).toEqual({ head: h1, sequence: 10 });
  });

  it('ends with one comment showing the newest head when runs for two heads write at once', async () => {
    await setHead(51, h2);
    const [older, newer] = [await open(), await open()];
    const writes = [
      writeStickyComment(older.comments(51), marker, { head: h1, sequence: 20 }, 'h1'),
      writeStickyComment(newer.comments(51), marker, { head: h2, sequence: 21 }, 'h2'),
      writeStickyComment(newer.comments(51), marker, { head: h2, sequence: 21 }, 'h2 again'),
    ];
    const results = await Promise.all(writes);
    expect(results.map((r) => r.written)).toEqual([false, true, true]);
    const found = await (await open()).comments(51).list(marker);
    expect(found).toHaveLength(1);
    expect(stickyAuthorOf(found[0]!.body)?.head).toBe(h2);
  });
});

describe('a refusal of the code host', () => {
  it("is one sentence that names the permission the job lacks, not GitHub's bare 403", async () => {
    await admin.pluginCall('github-api', 'PUT', '/repositories/azpn/infra/pulls/52', { headSha: h1 });
    const host = await gitHub({ 'pull-requests': 'read' });
    await expect(
      writeStickyComment(host.comments(52), marker, { head: h1, sequence: 1 }, 'x'),
    ).rejects.toThrow(
      /^GitHub refused to comment on pull request #52 \(403: Resource not accessible by integration\): give the job `pull-requests: write`/,
    );
    expect(await host.pullRequest(52)).toEqual({ state: 'open', head: h1 });
    expect(await host.pullRequest(999)).toBeUndefined();
  });
});
