import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import { getOctokit } from '@actions/github';
import {
  defaultScenario,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '../src/index.js';
import { gitHubOperations } from '../src/internal/providers/github-api/github-router.js';

// Every answer the GitHub stand-in gives Octokit is checked against GitHub's own OpenAPI description of Enterprise
// Server 3.19 (@octokit/openapi), success and documented errors alike, and every operation the stand-in serves must
// have been answered and checked at least once.

type Json = Record<string, unknown>;
interface Answer {
  method: string;
  route: string;
  status: number;
  data: unknown;
  /** Asked with `Accept: application/octet-stream` (an asset's bytes), so not a JSON body. */
  binary?: boolean;
}

const spec = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@octokit/openapi/generated/ghes-3.19.json'), 'utf8'),
) as { paths: Record<string, Record<string, { responses: Record<string, Json> }>>; components: Json };

/**
 * A schema of the description as JSON Schema: `#/components` refs pointed at the schema registered as `ghes`,
 * examples left out, and OpenAPI 3.0's `nullable: true` beside an `enum` read as GitHub means it (null allowed:
 * `state_reason` is null on an open issue), which JSON Schema's enum alone would refuse.
 */
const retarget = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(retarget);
  if (typeof value !== 'object' || value === null) return value;
  const schema = Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'example' && k !== 'examples')
      .map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? `ghes${v}` : retarget(v)]),
  );
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null))
    schema.enum = [...(schema.enum as unknown[]), null];
  return schema;
};
const ajv = new Ajv({ nullable: true, validateSchema: false, allErrors: true, jsonPointers: true });
// OpenAPI's numeric formats say how big a number is, not what its text looks like.
for (const format of ['int32', 'int64', 'float', 'double']) ajv.addFormat(format, () => true);
ajv.addSchema(retarget({ $id: 'ghes', components: spec.components }) as object, 'ghes');

/** The response's schema in the description, or undefined when it documents no body for that status. */
function responseSchema(answer: Answer): Json | undefined {
  const operation = spec.paths[answer.route]?.[answer.method.toLowerCase()];
  if (operation === undefined)
    throw new Error(`GitHub's description has no ${answer.method} ${answer.route}`);
  let response = operation.responses[String(answer.status)] as Json | undefined;
  const ref = response?.$ref as string | undefined;
  if (ref !== undefined) response = (spec.components.responses as Json)[ref.split('/').pop()!] as Json;
  const content = response?.content as Record<string, { schema?: Json }> | undefined;
  return content?.['application/json']?.schema;
}

const answers: Answer[] = [];
let local: LocalCloud;
let admin: LocalCloudAdmin;
let octokit: ReturnType<typeof getOctokit>;

beforeAll(async () => {
  local = await startLocalCloud({ scenario: defaultScenario() });
  trustCloudCa(local.cloud.caPem);
  admin = new LocalCloudAdmin(local.cloud);
  await admin.pluginCall('github-api', 'PUT', '/repositories/azpn/infra/pulls/3', {
    headSha: 'd'.repeat(40),
  });
  const { token } = (await admin.pluginCall('github-api', 'POST', '/tokens', {
    repository: 'azpn/infra',
    permissions: { issues: 'write', 'pull-requests': 'write', contents: 'write' },
  })) as { token: string };
  octokit = getOctokit(token, { baseUrl: local.cloud.services['github-api']!.apiUrl as string });
  octokit.hook.wrap('request', async (request, options) => {
    // The upload route carries its query in the template (`…/assets{?name,label}`); the description's path does not.
    const route = String(options.url).replace(/\{\?[^}]*\}$/, '');
    const binary = String(options.headers.accept).includes('application/octet-stream');
    try {
      const response = await request(options);
      answers.push({
        method: String(options.method),
        route,
        status: response.status,
        data: response.data,
        binary,
      });
      return response;
    } catch (error) {
      const failed = error as { status: number; response?: { data: unknown } };
      answers.push({
        method: String(options.method),
        route,
        status: failed.status,
        data: failed.response?.data,
      });
      throw error;
    }
  });
});
afterAll(async () => {
  await local?.stop();
});

/** Every operation once, and the refusals GitHub documents for some of them. */
async function exercise(): Promise<void> {
  const repo = { owner: 'azpn', repo: 'infra' };
  const refused = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      () => undefined,
    );
  await octokit.rest.repos.get(repo);
  await octokit.rest.issues.createLabel({
    ...repo,
    name: 'drift',
    color: 'd73a4a',
    description: 'What changed',
  });
  await refused(octokit.rest.issues.createLabel({ ...repo, name: 'drift' }));
  await octokit.rest.issues.getLabel({ ...repo, name: 'drift' });
  await octokit.rest.issues.listLabelsForRepo(repo);
  const issue = await octokit.rest.issues.create({
    ...repo,
    title: 't',
    body: '<!-- m -->',
    labels: ['drift'],
  });
  const number = issue.data.number;
  await refused(octokit.rest.issues.create({ ...repo, body: 'no title' } as never));
  await octokit.rest.issues.get({ ...repo, issue_number: number });
  await refused(octokit.rest.issues.get({ ...repo, issue_number: 999 }));
  await octokit.rest.issues.listForRepo({ ...repo, state: 'all', labels: 'drift' });
  await octokit.rest.issues.update({
    ...repo,
    issue_number: number,
    state: 'closed',
    state_reason: 'completed',
  });
  await refused(octokit.rest.issues.update({ ...repo, issue_number: number, state: 'shut' as 'open' }));
  const comment = await octokit.rest.issues.createComment({ ...repo, issue_number: 3, body: 'hello' });
  await octokit.rest.issues.listComments({ ...repo, issue_number: 3 });
  await octokit.rest.issues.listCommentsForRepo(repo);
  await octokit.rest.issues.getComment({ ...repo, comment_id: comment.data.id });
  await octokit.rest.issues.updateComment({ ...repo, comment_id: comment.data.id, body: 'edited' });
  await octokit.rest.issues.deleteComment({ ...repo, comment_id: comment.data.id });
  await octokit.rest.issues.addLabels({ ...repo, issue_number: 3, labels: ['preview'] });
  await octokit.rest.issues.setLabels({ ...repo, issue_number: 3, labels: ['preview', 'drift'] });
  await octokit.rest.issues.listLabelsOnIssue({ ...repo, issue_number: 3 });
  await octokit.rest.issues.removeLabel({ ...repo, issue_number: 3, name: 'drift' });
  await octokit.rest.issues.deleteLabel({ ...repo, name: 'preview' });
  await octokit.rest.pulls.get({ ...repo, pull_number: 3 });
  await refused(octokit.rest.pulls.get({ ...repo, pull_number: number }));
  await octokit.rest.pulls.list({ ...repo, state: 'all' });
  await octokit.rest.search.issuesAndPullRequests({ q: 'repo:azpn/infra label:drift in:body m' });
  await octokit.rest.rateLimit.get();
  await exerciseReleases(repo, refused);
}

/** Releases, assets (uploaded on the uploads origin) and git refs, and their documented refusals. */
async function exerciseReleases(
  repo: { owner: string; repo: string },
  refused: (promise: Promise<unknown>) => Promise<unknown>,
): Promise<void> {
  const commit = 'c'.repeat(40);
  await admin.pluginCall('github-api', 'PUT', '/repositories/azpn/infra/git/refs/tags/v0.1.0', {
    sha: commit,
    message: 'v0.1.0',
  });
  const tagRef = await octokit.rest.git.getRef({ ...repo, ref: 'tags/v0.1.0' });
  await octokit.rest.git.getTag({ ...repo, tag_sha: tagRef.data.object.sha });
  await refused(octokit.rest.git.getRef({ ...repo, ref: 'tags/v9' }));
  await octokit.rest.git.createRef({ ...repo, ref: 'refs/tags/v0', sha: commit });
  await refused(octokit.rest.git.createRef({ ...repo, ref: 'refs/tags/v0', sha: commit }));
  await octokit.rest.git.updateRef({ ...repo, ref: 'tags/v0', sha: 'e'.repeat(40), force: true });
  await refused(octokit.rest.git.updateRef({ ...repo, ref: 'tags/v9', sha: commit }));
  const draft = await octokit.rest.repos.createRelease({
    ...repo,
    tag_name: 'v0.1.0',
    body: 'notes',
    draft: true,
  });
  await refused(octokit.rest.repos.createRelease({ ...repo, body: 'no tag' } as never));
  const origin = new URL(draft.data.upload_url).origin + '/api/uploads';
  const asset = await octokit.rest.repos.uploadReleaseAsset({
    ...repo,
    release_id: draft.data.id,
    name: 'azpn.vsix',
    data: Buffer.from('PK\u0003\u0004') as unknown as string,
    baseUrl: origin,
    headers: { 'content-type': 'application/zip' },
  });
  await refused(
    octokit.rest.repos.uploadReleaseAsset({
      ...repo,
      release_id: draft.data.id,
      name: 'azpn.vsix',
      data: 'again',
      baseUrl: origin,
    }),
  );
  await octokit.rest.repos.listReleaseAssets({ ...repo, release_id: draft.data.id });
  await octokit.rest.repos.updateRelease({ ...repo, release_id: draft.data.id, draft: false });
  await octokit.rest.repos.getRelease({ ...repo, release_id: draft.data.id });
  await octokit.rest.repos.getReleaseByTag({ ...repo, tag: 'v0.1.0' });
  await refused(octokit.rest.repos.getReleaseByTag({ ...repo, tag: 'v9.9.9' }));
  await octokit.rest.repos.listReleases(repo);
  await octokit.rest.repos.getReleaseAsset({ ...repo, asset_id: asset.data.id });
  await octokit.rest.repos.getReleaseAsset({
    ...repo,
    asset_id: asset.data.id,
    headers: { accept: 'application/octet-stream' },
  });
  await octokit.rest.repos.deleteReleaseAsset({ ...repo, asset_id: asset.data.id });
}

describe("the GitHub stand-in against GitHub's OpenAPI description (GHES 3.19)", () => {
  it('answers every call in the documented shape, and every operation it serves was checked', async () => {
    await exercise();
    const problems: string[] = [];
    const checked = new Set<string>();
    for (const answer of answers) {
      const documented =
        spec.paths[answer.route]?.[answer.method.toLowerCase()]?.responses[String(answer.status)];
      if (answer.status < 300 && documented === undefined)
        problems.push(
          `${answer.method} ${answer.route} answered ${answer.status}, which GitHub does not document`,
        );
      const schema = responseSchema(answer);
      if (schema === undefined || answer.binary) continue;
      if (!ajv.validate(retarget(schema) as object, answer.data))
        problems.push(
          `${answer.method} ${answer.route} ${answer.status}: ${ajv.errorsText(ajv.errors, { separator: '; ' })}`,
        );
      checked.add(`${answer.method} ${answer.route} ${answer.status}`);
    }
    expect(problems).toEqual([]);
    const answered = new Set(answers.filter((a) => a.status < 300).map((a) => `${a.method} ${a.route}`));
    const served = gitHubOperations().map((o) => `${o.method} ${o.path}`);
    expect(served.filter((op) => !answered.has(op))).toEqual([]);
    // Documented refusals were checked too, not only successes.
    expect([...checked]).toEqual(
      expect.arrayContaining([
        'POST /repos/{owner}/{repo}/labels 422',
        'POST /repos/{owner}/{repo}/issues 422',
        'GET /repos/{owner}/{repo}/issues/{issue_number} 404',
        'PATCH /repos/{owner}/{repo}/issues/{issue_number} 422',
        'POST /repos/{owner}/{repo}/releases 422',
        'GET /repos/{owner}/{repo}/releases/tags/{tag} 404',
        'POST /repos/{owner}/{repo}/git/refs 422',
        'PATCH /repos/{owner}/{repo}/git/refs/{ref} 422',
        'GET /repos/{owner}/{repo}/git/ref/{ref} 404',
      ]),
    );
  });

  it('would notice a wrong shape: a comment without its user fails the description', () => {
    const schema = responseSchema({
      method: 'GET',
      route: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
      status: 200,
      data: {},
    });
    const answer = answers.find(
      (a) => a.route === '/repos/{owner}/{repo}/issues/comments/{comment_id}' && a.method === 'GET',
    )!;
    const { user: _user, ...withoutUser } = answer.data as Json;
    expect(ajv.validate(retarget(schema) as object, answer.data)).toBe(true);
    expect(ajv.validate(retarget(schema) as object, withoutUser)).toBe(false);
  });
});
