import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getOctokit } from '@actions/github';
import JSZip from 'jszip';
import {
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '@azpn/local-cloud';
import {
  localCloudGitHubSettings,
  pushEvent,
  runGitHubWorkflow,
  sha,
  type JobResult,
  type LocalCloudGitHubSettings,
} from '@azpn/workflow-executor';
import { expectConclusion } from './run-report.js';

/**
 * workflows-examples/release.yml, executed on tag pushes against the local cloud's GitHub stand-in, in this
 * repository as it is checked out (its check-dist and package:ado for real): the version's tag is released with the
 * VSIX and the changelog's section and v<major> points at it; the same tag again builds nothing and changes nothing;
 * a tag that is not the repository's version is refused before anything is built. The server's refs are the
 * stand-in's: this repository's own git tags are never touched.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workflow = join(root, 'workflows-examples', 'release.yml');
const repository = 'azpn/private-networking';
const [owner, repo] = repository.split('/') as [string, string];
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const version = manifest.version;
const [major, minor] = version.split('.').map(Number) as [number, number];
const tag = `v${version}`;
const released = sha('the released commit');

let local: LocalCloud;
let stateDir: string;
let github: LocalCloudGitHubSettings;
let reader: ReturnType<typeof getOctokit>;

/** The notes the changelog gives the version: the lines under its heading, up to the next section or the links. */
function changelogExcerpt(): string {
  const text = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
  const after = text.split(new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\][^\\n]*\\n`, 'm'))[1] ?? '';
  return after.split(/^(?:## |\[[^\]]+\]: )/m)[0]!.trim();
}

const step = (job: JobResult, name: string) => job.steps.find((s) => s.name === name)!;

/** A run of the workflow for the push of `pushed` on `commit`. */
function release(pushed: string, commit: string) {
  return runGitHubWorkflow({
    workflow,
    workspace: root,
    event: pushEvent({ tag: pushed, sha: commit, repository }),
    ...github,
  });
}

beforeAll(async () => {
  // The workflow runs npm ci unless node_modules holds this lockfile's install (setup.sh's marker): in a test that
  // would reinstall this very checkout, so the test insists on the marker instead.
  const lock = createHash('sha256')
    .update(readFileSync(join(root, 'package-lock.json')))
    .digest('hex');
  const marker = join(root, 'node_modules', '.setup-lock-hash');
  if (!existsSync(marker) || readFileSync(marker, 'utf8').trim() !== lock)
    throw new Error('node_modules was not installed from package-lock.json: run npm run setup first.');
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-release-example-'));
  local = await startLocalCloud({ scenario: defaultScenario(), stateDir });
  trustCloudCa(local.cloud.caPem);
  github = localCloudGitHubSettings(local, root);
  const admin = new LocalCloudAdmin(local.cloud);
  const { token } = (await admin.pluginCall('github-api', 'POST', '/tokens', {
    repository,
    permissions: { contents: 'read' },
  })) as { token: string };
  reader = getOctokit(token, { baseUrl: local.cloud.services['github-api']!.apiUrl as string });
});
afterAll(async () => {
  await local?.stop();
  if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
});

describe('workflows-examples/release.yml', () => {
  it(
    'releases the version tag with the VSIX and the changelog section, and points the major tag at it',
    async () => {
      const run = await release(tag, released);
      expectConclusion(run, 'success');
      const job = run.job('release');
      expect(job.token?.permissions.contents).toBe('write');
      expect(step(job, 'Install the locked dependencies').log).toBe(
        'node_modules already holds the install of package-lock.json\n',
      );
      expect(job.steps.map((s) => [s.name, s.conclusion])).toEqual([
        ['Run actions/checkout@v4', 'success'],
        ['Install the locked dependencies', 'success'],
        ['Check the tag, the versions and the release notes', 'success'],
        ['Check that dist/ is what the sources build', 'success'],
        ['Pack the Azure DevOps extension', 'success'],
        ['Publish the release with the VSIX', 'success'],
        ['Move the major tag to the released commit', 'success'],
      ]);
      expect(step(job, 'Check the tag, the versions and the release notes').outputs).toEqual({
        version,
        tag,
        asset: `azpn-${version}.vsix`,
        released: 'false',
      });
      expect(step(job, 'Publish the release with the VSIX').outputs.outcome).toBe('published');
      expect(step(job, 'Move the major tag to the released commit').outputs).toEqual({
        'major-tag': `v${major}`,
        'major-tag-outcome': 'created',
      });

      const published = (await reader.rest.repos.getReleaseByTag({ owner, repo, tag })).data;
      expect([published.draft, published.name, published.body]).toEqual([false, tag, changelogExcerpt()]);
      expect(published.body).toMatch(/^### Added$/m);
      expect(published.assets.map((a) => a.name)).toEqual([`azpn-${version}.vsix`]);
      const download = await reader.rest.repos.getReleaseAsset({
        owner,
        repo,
        asset_id: published.assets[0]!.id,
        headers: { accept: 'application/octet-stream' },
      });
      await expectVsixOf(Buffer.from(download.data as unknown as ArrayBuffer));

      const majorTag = await reader.rest.git.getRef({ owner, repo, ref: `tags/v${major}` });
      expect(majorTag.data.object).toMatchObject({ type: 'commit', sha: released });
      expect(job.summary).toContain(`### ${tag}: published`);
    },
    15 * 60_000,
  );

  it('builds nothing for a tag already released and leaves the release and the major tag as they are', async () => {
    const run = await release(tag, released);
    expectConclusion(run, 'success');
    const job = run.job('release');
    expect(step(job, 'Check the tag, the versions and the release notes').outputs.released).toBe('true');
    expect(job.steps.filter((s) => s.conclusion === 'skipped').map((s) => s.name)).toEqual([
      'Check that dist/ is what the sources build',
      'Pack the Azure DevOps extension',
      'Publish the release with the VSIX',
    ]);
    expect(step(job, 'Move the major tag to the released commit').outputs['major-tag-outcome']).toBe(
      'unchanged',
    );
    const releases = (await reader.rest.repos.listReleases({ owner, repo })).data;
    expect(releases.map((r) => [r.tag_name, r.assets.length])).toEqual([[tag, 1]]);
  });

  it('refuses a tag that is not the version the repository carries, before building anything', async () => {
    const other = `v${major}.${minor + 1}.0`;
    const run = await release(other, sha('another commit'));
    expectConclusion(run, 'failure');
    const job = run.job('release');
    const check = step(job, 'Check the tag, the versions and the release notes');
    expect([check.conclusion, check.errors]).toEqual([
      'failure',
      [
        `The tag ${other} does not match the version ${version} of package.json: run \`npm run release -- prepare ${major}.${minor + 1}.0\`, merge it and tag that commit, or delete the tag.`,
      ],
    ]);
    expect(job.steps.slice(3).map((s) => s.conclusion)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    await expect(reader.rest.repos.getReleaseByTag({ owner, repo, tag: other })).rejects.toMatchObject({
      status: 404,
    });
    expect((await reader.rest.git.getRef({ owner, repo, ref: `tags/v${major}` })).data.object.sha).toBe(
      released,
    );
  });
});

/** The VSIX carries every task of the repository at the release version, and says the version itself. */
async function expectVsixOf(bytes: Buffer): Promise<void> {
  const zip = await JSZip.loadAsync(bytes);
  const tasks = readdirSync(join(root, 'actions')).filter((name) =>
    existsSync(join(root, 'actions', name, 'task.json')),
  );
  const [, minorPart, patch] = version.split('.').map(Number);
  for (const name of tasks) {
    const task = zip.file(`tasks/${name}/task.json`);
    expect([name, task !== null]).toEqual([name, true]);
    const parsed = JSON.parse(await task!.async('string')) as { version: unknown };
    expect([name, parsed.version]).toEqual([name, { Major: major, Minor: minorPart, Patch: patch }]);
  }
  const identity = /<Identity [^>]*>/.exec(await zip.file('extension.vsixmanifest')!.async('string'))?.[0];
  expect(identity).toMatch(new RegExp(`Version="${version.replace(/\./g, '\\.')}"`));
  expect(identity).toMatch(/Id="azpn-private-networking"/);
}
