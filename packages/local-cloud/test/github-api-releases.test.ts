import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getOctokit } from '@actions/github';
import {
  cloudRequest,
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '../src/index.js';

// Releases, their assets and git refs on the GitHub stand-in, through @actions/github's Octokit as a release job
// reaches GitHub Enterprise Server with its GITHUB_TOKEN: contents permissions, drafts, the uploads origin named by
// upload_url, the bytes of an asset, annotated tags, moving a tag, and all of it kept in the snapshot file.

type Octokit = ReturnType<typeof getOctokit>;

let local: LocalCloud;
let admin: LocalCloudAdmin;
let apiUrl: string;
let dir: string;
const repo = { owner: 'azpn', repo: 'infra' };
const commit = (label: string) => createHash('sha1').update(label).digest('hex');

async function start(snapshotFile: string): Promise<void> {
  local = await startLocalCloud({ scenario: defaultScenario(), snapshotFile });
  trustCloudCa(local.cloud.caPem);
  admin = new LocalCloudAdmin(local.cloud);
  apiUrl = local.cloud.services['github-api']!.apiUrl as string;
}

async function client(permissions: Record<string, string>): Promise<Octokit> {
  const { token } = (await admin.pluginCall('github-api', 'POST', '/tokens', {
    repository: 'azpn/infra',
    permissions,
  })) as { token: string };
  return getOctokit(token, { baseUrl: apiUrl });
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: { status: number; response?: { data: unknown; headers: Record<string, string> } }) => error,
  );

/** Uploads `bytes` where the release says (its upload_url), as a release script does. */
function upload(github: Octokit, uploadUrl: string, name: string, bytes: Buffer) {
  return github.request({
    method: 'POST',
    url: uploadUrl,
    name,
    data: bytes,
    headers: { 'content-type': 'application/zip' },
  });
}

/** The asset's bytes through the API, as `Accept: application/octet-stream` asks for them. */
async function download(github: Octokit, assetId: number): Promise<Buffer> {
  const answer = await github.rest.repos.getReleaseAsset({
    ...repo,
    asset_id: assetId,
    headers: { accept: 'application/octet-stream' },
  });
  return Buffer.from(answer.data as unknown as ArrayBuffer);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'github-releases-'));
  await start(join(dir, 'snapshot.json'));
});
afterAll(async () => {
  await local?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('releases on the GitHub stand-in', () => {
  it('needs contents: write to create a release and contents: read to list them', async () => {
    const reader = await client({ contents: 'read' });
    const refused = await failure(reader.rest.repos.createRelease({ ...repo, tag_name: 'v9.9.9' }));
    expect(refused.status).toBe(403);
    expect(refused.response?.headers['x-accepted-github-permissions']).toBe('contents=write');
    expect((await reader.rest.repos.listReleases(repo)).status).toBe(200);
    const issuesOnly = await client({ issues: 'write' });
    expect((await failure(issuesOnly.rest.repos.listReleases(repo))).status).toBe(403);
    expect((await failure(issuesOnly.rest.git.getRef({ ...repo, ref: 'tags/v0' }))).status).toBe(403);
  });

  it('keeps a draft out of sight until it is published on its tag, with its asset bytes as uploaded', async () => {
    const writer = await client({ contents: 'write' });
    const reader = await client({ contents: 'read' });
    const target = commit('release-1');
    const draft = await writer.rest.repos.createRelease({
      ...repo,
      tag_name: 'v1.0.0',
      target_commitish: target,
      name: 'v1.0.0',
      body: '### Added\n- a thing',
      draft: true,
    });
    expect(draft.data).toMatchObject({ draft: true, published_at: null, tag_name: 'v1.0.0' });
    expect(draft.data.upload_url).toBe(
      `${local.cloud.resourceManager}api/uploads/repos/azpn/infra/releases/${draft.data.id}/assets{?name,label}`,
    );
    expect((await failure(reader.rest.repos.getRelease({ ...repo, release_id: draft.data.id }))).status).toBe(
      404,
    );
    expect((await reader.rest.repos.listReleases(repo)).data.map((r) => r.id)).not.toContain(draft.data.id);
    expect((await failure(writer.rest.repos.getReleaseByTag({ ...repo, tag: 'v1.0.0' }))).status).toBe(404);

    const bytes = randomBytes(300_000);
    const uploaded = await upload(writer, draft.data.upload_url, 'azpn-1.0.0.vsix', bytes);
    expect(uploaded.status).toBe(201);
    expect(uploaded.data).toMatchObject({
      name: 'azpn-1.0.0.vsix',
      size: bytes.length,
      state: 'uploaded',
      content_type: 'application/zip',
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    });
    const again = await failure(upload(writer, draft.data.upload_url, 'azpn-1.0.0.vsix', bytes));
    expect([again.status, again.response?.data]).toMatchObject([
      422,
      { errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] },
    ]);
    expect((await failure(upload(reader, draft.data.upload_url, 'other.vsix', bytes))).status).toBe(403);

    const published = await writer.rest.repos.updateRelease({
      ...repo,
      release_id: draft.data.id,
      draft: false,
    });
    expect(published.data.draft).toBe(false);
    const byTag = await reader.rest.repos.getReleaseByTag({ ...repo, tag: 'v1.0.0' });
    expect([byTag.data.id, byTag.data.body, byTag.data.assets.map((a) => a.name)]).toEqual([
      draft.data.id,
      '### Added\n- a thing',
      ['azpn-1.0.0.vsix'],
    ]);
    const tag = await reader.rest.git.getRef({ ...repo, ref: 'tags/v1.0.0' });
    expect(tag.data.object).toMatchObject({ type: 'commit', sha: target });
    expect((await download(reader, uploaded.data.id as number)).equals(bytes)).toBe(true);
    const twice = await failure(writer.rest.repos.createRelease({ ...repo, tag_name: 'v1.0.0' }));
    expect([twice.status, twice.response?.data]).toMatchObject([
      422,
      { errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] },
    ]);
  });

  it('publishes on a pushed annotated tag, and refuses a target it cannot find', async () => {
    const pushed = commit('release-2');
    await admin.pluginCall('github-api', 'PUT', '/repositories/azpn/infra/git/refs/tags/v1.1.0', {
      sha: pushed,
      message: 'v1.1.0',
    });
    const writer = await client({ contents: 'write' });
    const ref = await writer.rest.git.getRef({ ...repo, ref: 'tags/v1.1.0' });
    expect(ref.data.object.type).toBe('tag');
    const tagObject = await writer.rest.git.getTag({ ...repo, tag_sha: ref.data.object.sha });
    expect(tagObject.data).toMatchObject({ tag: 'v1.1.0', message: 'v1.1.0', object: { sha: pushed } });
    // Holding the pushed ref again at its commit (as a job's token minter does) keeps it annotated.
    await admin.pluginCall('github-api', 'PUT', '/repositories/azpn/infra/git/refs/tags/v1.1.0', {
      sha: pushed,
    });
    expect((await writer.rest.git.getRef({ ...repo, ref: 'tags/v1.1.0' })).data.object.type).toBe('tag');

    const release = await writer.rest.repos.createRelease({ ...repo, tag_name: 'v1.1.0' });
    expect(release.data).toMatchObject({ draft: false, target_commitish: 'main' });
    expect((await writer.rest.git.getRef({ ...repo, ref: 'tags/v1.1.0' })).data.object.sha).toBe(
      ref.data.object.sha,
    );
    const nowhere = await failure(
      writer.rest.repos.createRelease({ ...repo, tag_name: 'v1.2.0', target_commitish: 'no-such-branch' }),
    );
    expect([nowhere.status, nowhere.response?.data]).toMatchObject([
      422,
      { errors: [{ resource: 'Release', code: 'invalid', field: 'target_commitish' }] },
    ]);
    expect((await failure(writer.rest.git.getRef({ ...repo, ref: 'tags/v1.2.0' }))).status).toBe(404);
  });
});

describe('git refs on the GitHub stand-in', () => {
  it('creates a major tag, refuses it twice, moves it, and refuses to move what does not exist', async () => {
    const writer = await client({ contents: 'write' });
    const first = commit('major-1');
    const second = commit('major-2');
    const created = await writer.rest.git.createRef({ ...repo, ref: 'refs/tags/v1', sha: first });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ ref: 'refs/tags/v1', object: { type: 'commit', sha: first } });
    const twice = await failure(writer.rest.git.createRef({ ...repo, ref: 'refs/tags/v1', sha: second }));
    expect([twice.status, twice.response?.data]).toMatchObject([
      422,
      { message: 'Reference already exists' },
    ]);
    const moved = await writer.rest.git.updateRef({ ...repo, ref: 'tags/v1', sha: second, force: true });
    expect(moved.data.object.sha).toBe(second);
    expect((await writer.rest.git.getRef({ ...repo, ref: 'tags/v1' })).data.object.sha).toBe(second);
    const missing = await failure(writer.rest.git.updateRef({ ...repo, ref: 'tags/v7', sha: second }));
    expect([missing.status, missing.response?.data]).toMatchObject([
      422,
      { message: 'Reference does not exist' },
    ]);
    const badName = await failure(writer.rest.git.createRef({ ...repo, ref: 'v1', sha: second }));
    expect(badName.status).toBe(422);
    const badSha = await failure(writer.rest.git.createRef({ ...repo, ref: 'refs/tags/v2', sha: 'HEAD' }));
    expect([badSha.status, badSha.response?.data]).toMatchObject([422, { message: 'Object does not exist' }]);
    const reader = await client({ contents: 'read' });
    expect(
      (await failure(reader.rest.git.updateRef({ ...repo, ref: 'tags/v1', sha: first, force: true }))).status,
    ).toBe(403);
  });

  it('serves uploads only on the uploads origin, and refuses an unknown admin ref', async () => {
    const { token } = (await admin.pluginCall('github-api', 'POST', '/tokens', {
      repository: 'azpn/infra',
      permissions: { contents: 'write' },
    })) as { token: string };
    const onApi = await cloudRequest(
      local.cloud.caPem,
      'POST',
      `${apiUrl}/repos/azpn/infra/releases/1/assets?name=x`,
      { headers: { authorization: `token ${token}` }, body: {} },
    );
    expect(onApi.status).toBe(404);
    await expect(
      admin.pluginCall('github-api', 'PUT', '/repositories/azpn/infra/git/refs/notes/x', {
        sha: commit('x'),
      }),
    ).rejects.toThrow(/refs\/heads\/… or refs\/tags\/…/);
  });
});

describe('releases in the snapshot file', () => {
  it('come back after a restart with their assets, bytes included, and the refs', async () => {
    const writer = await client({ contents: 'write' });
    const release = await writer.rest.repos.createRelease({
      ...repo,
      tag_name: 'v3.0.0',
      target_commitish: commit('release-3'),
    });
    const bytes = randomBytes(2048);
    const asset = await upload(writer, release.data.upload_url, 'kept.vsix', bytes);
    await local.stop();
    await start(join(dir, 'snapshot.json'));
    const reader = await client({ contents: 'read' });
    const again = await reader.rest.repos.getReleaseByTag({ ...repo, tag: 'v3.0.0' });
    expect(again.data.assets.map((a) => [a.id, a.size])).toEqual([[asset.data.id, bytes.length]]);
    expect((await download(reader, asset.data.id as number)).equals(bytes)).toBe(true);
    expect((await reader.rest.git.getRef({ ...repo, ref: 'tags/v3.0.0' })).data.object.sha).toBe(
      commit('release-3'),
    );
    const writerAgain = await client({ contents: 'write' });
    const later = await writerAgain.rest.repos.createRelease({ ...repo, tag_name: 'v3.0.1', draft: true });
    expect(later.data.id).toBeGreaterThan(asset.data.id as number);
  });
});
