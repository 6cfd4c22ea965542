import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '@azpn/local-cloud';
import { moveMajorTag } from '../../scripts/release/major-tag.js';
import { publishRelease, type ReleaseRequest } from '../../scripts/release/publish-release.js';
import { checkRelease } from '../../scripts/release/release-check.js';
import {
  releaseRepository,
  tagCommit,
  type ReleaseRepository,
} from '../../scripts/release/release-repository.js';
import { sourceVersion } from '../../scripts/release/release-version.js';

// The release steps against the local cloud's GitHub stand-in, each in a repository of its own: publishing (new,
// again, resuming a draft a failed run left, completing a release made by hand, refused without contents: write),
// the major tag (created, unchanged, moved, kept behind a newer release) and the checks that need the server.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const commit = (label: string) => createHash('sha1').update(label).digest('hex');
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

async function repositoryFor(name: string, contents: 'read' | 'write' = 'write'): Promise<ReleaseRepository> {
  const { token } = (await admin.pluginCall('github-api', 'POST', '/tokens', {
    repository: name,
    permissions: { contents },
  })) as { token: string };
  return releaseRepository(token, local.cloud.services['github-api']!.apiUrl as string, name);
}

async function pushTag(repository: string, tag: string, sha: string, message?: string): Promise<void> {
  await admin.pluginCall('github-api', 'PUT', `/repositories/${repository}/git/refs/tags/${tag}`, {
    sha,
    ...(message === undefined ? {} : { message }),
  });
}

function request(tag: string, bytes: Buffer, notes = `notes of ${tag}`): ReleaseRequest {
  return {
    tag,
    commit: commit(tag),
    name: tag,
    notes,
    asset: { name: `azpn-${tag.slice(1)}.vsix`, bytes, contentType: 'application/zip' },
  };
}

async function assetBytes(repository: ReleaseRepository, id: number): Promise<Buffer> {
  const { octokit, owner, repo } = repository;
  const answer = await octokit.rest.repos.getReleaseAsset({
    owner,
    repo,
    asset_id: id,
    headers: { accept: 'application/octet-stream' },
  });
  return Buffer.from(answer.data as unknown as ArrayBuffer);
}

const silent = () => undefined;

describe('publishing a release', () => {
  it('publishes a draft once its asset is up, and leaves a released tag alone', async () => {
    const repository = await repositoryFor('azpn/publish');
    await pushTag('azpn/publish', 'v0.5.0', commit('v0.5.0'), 'v0.5.0');
    const bytes = randomBytes(4096);
    const lines: string[] = [];
    const first = await publishRelease(repository, request('v0.5.0', bytes), (line) => lines.push(line));
    expect(first.outcome).toBe('published');
    expect(first.release).toMatchObject({ draft: false, tag_name: 'v0.5.0', body: 'notes of v0.5.0' });
    expect(first.release.assets.map((a) => [a.name, a.size])).toEqual([['azpn-0.5.0.vsix', bytes.length]]);
    expect((await assetBytes(repository, first.release.assets[0]!.id)).equals(bytes)).toBe(true);
    expect(lines[0]).toMatch(
      /^Draft release \d+ for v0\.5\.0: uploading azpn-0\.5\.0\.vsix \(4096 bytes\)\.$/,
    );

    const again = await publishRelease(repository, request('v0.5.0', randomBytes(10)), silent);
    expect([again.outcome, again.release.id]).toEqual(['unchanged', first.release.id]);
    const releases = await repository.octokit.rest.repos.listReleases({ owner: 'azpn', repo: 'publish' });
    expect(releases.data.map((r) => [r.tag_name, r.assets.length])).toEqual([['v0.5.0', 1]]);
  });

  it('finishes the draft a failed run left, replacing its notes and its half-uploaded asset', async () => {
    const repository = await repositoryFor('azpn/publish');
    const { octokit, owner, repo } = repository;
    const draft = await octokit.rest.repos.createRelease({
      owner,
      repo,
      tag_name: 'v0.6.0',
      body: 'old notes',
      draft: true,
    });
    await octokit.request({
      method: 'POST',
      url: draft.data.upload_url,
      name: 'azpn-0.6.0.vsix',
      data: Buffer.from('truncated'),
      headers: { 'content-type': 'application/zip' },
    });
    const bytes = randomBytes(2048);
    const done = await publishRelease(repository, request('v0.6.0', bytes, 'new notes'), silent);
    expect([done.outcome, done.release.id, done.release.draft, done.release.body]).toEqual([
      'published',
      draft.data.id,
      false,
      'new notes',
    ]);
    expect(done.release.assets).toHaveLength(1);
    expect((await assetBytes(repository, done.release.assets[0]!.id)).equals(bytes)).toBe(true);
    // The tag did not exist: publishing created it at the commit the request names.
    expect(await tagCommit(repository, 'v0.6.0')).toBe(commit('v0.6.0'));
  });

  it('uploads the asset a release made by hand lacks', async () => {
    const repository = await repositoryFor('azpn/publish');
    const { octokit, owner, repo } = repository;
    await octokit.rest.repos.createRelease({
      owner,
      repo,
      tag_name: 'v0.7.0',
      target_commitish: commit('v0.7.0'),
    });
    const done = await publishRelease(repository, request('v0.7.0', randomBytes(64)), silent);
    expect(done.outcome).toBe('completed');
    const release = await octokit.rest.repos.getReleaseByTag({ owner, repo, tag: 'v0.7.0' });
    expect(release.data.assets.map((a) => a.name)).toEqual(['azpn-0.7.0.vsix']);
  });

  it('says to give the job contents: write when the token may only read', async () => {
    const repository = await repositoryFor('azpn/publish', 'read');
    await expect(publishRelease(repository, request('v0.8.0', randomBytes(8)), silent)).rejects.toThrow(
      /^GitHub refused to create the release \(403 Resource not accessible by integration.*\): give the release job permissions: contents: write\.$/,
    );
  });
});

describe('the major tag', () => {
  it('is created by the first release, moved by a newer one, and kept when an older line is patched', async () => {
    const name = 'azpn/major';
    const repository = await repositoryFor(name);
    const { octokit, owner, repo } = repository;
    const release = async (tag: string) =>
      octokit.rest.repos.createRelease({ owner, repo, tag_name: tag, target_commitish: commit(tag) });
    const log: string[] = [];
    const move = (version: [number, number, number]) =>
      moveMajorTag(
        repository,
        { major: version[0], minor: version[1], patch: version[2] },
        commit(`v${version.join('.')}`),
        (line) => log.push(line),
      );

    await release('v1.0.0');
    expect(await move([1, 0, 0])).toBe('created');
    expect(await tagCommit(repository, 'v1')).toBe(commit('v1.0.0'));
    expect(await move([1, 0, 0])).toBe('unchanged');
    await release('v1.1.0');
    expect(await move([1, 1, 0])).toBe('moved');
    expect(await tagCommit(repository, 'v1')).toBe(commit('v1.1.0'));
    await release('v1.0.1');
    expect(await move([1, 0, 1])).toBe('kept');
    expect(await tagCommit(repository, 'v1')).toBe(commit('v1.1.0'));
    expect(log.at(-1)).toBe('v1 stays where it is: v1.1.0 is newer than v1.0.1.');
    // Another major's releases do not hold v1 back, nor does v2 move v1.
    await release('v2.0.0');
    expect(await move([2, 0, 0])).toBe('created');
    expect(await move([1, 1, 0])).toBe('unchanged');
  });
});

describe('the checks that ask the server', () => {
  const version = sourceVersion(root);
  const tag = `v${version}`;

  it('refuse a run for a branch before any call, and a tag moved since the push', async () => {
    const repository = await repositoryFor('azpn/check');
    expect(
      await checkRelease(root, { refType: 'branch', refName: 'main', sha: commit('x') }, repository),
    ).toEqual({
      refusals: ['A release runs on a tag push, and this run is for the branch main: push a tag vX.Y.Z.'],
    });
    expect(
      await checkRelease(root, { refType: 'tag', refName: tag, sha: commit('pushed') }, repository),
    ).toEqual({
      refusals: [`The repository has no tag ${tag} any more: push it again to release.`],
    });
    await pushTag('azpn/check', tag, commit('moved'), tag);
    expect(
      await checkRelease(root, { refType: 'tag', refName: tag, sha: commit('pushed') }, repository),
    ).toEqual({
      refusals: [
        `The tag ${tag} now names ${commit('moved')}, not ${commit('pushed')} that this run checked out: the run for the tag's new push releases it.`,
      ],
    });
  });

  it('say whether the version is already released with its VSIX', async () => {
    const repository = await repositoryFor('azpn/check');
    const run = { refType: 'tag', refName: tag, sha: commit('moved') };
    const before = await checkRelease(root, run, repository);
    expect(before).toMatchObject({ tag, version, assetName: `azpn-${version}.vsix`, released: false });
    await publishRelease(
      repository,
      {
        ...request(tag, randomBytes(16)),
        commit: commit('moved'),
        asset: { name: `azpn-${version}.vsix`, bytes: randomBytes(16), contentType: 'application/zip' },
      },
      silent,
    );
    expect(await checkRelease(root, run, repository)).toMatchObject({ released: true });
  });
});
