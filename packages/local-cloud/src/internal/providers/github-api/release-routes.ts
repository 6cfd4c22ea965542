/**
 * Releases: list, create (a draft, or published at once), get by id or by tag, update (publishing a draft). A
 * release is published on its tag: the repository's tag, or one created at `target_commitish` when it lacks it. Only
 * a token that may write contents sees drafts, as only collaborators with push access do on GitHub.
 */
import { json, type Reply } from '../../http/exchange.js';
import {
  grants,
  paginate,
  requirePermission,
  sortBy,
  type RepositoryCall,
  type RepositoryRoute,
} from './github-call.js';
import { docsBase, notFound, validationFailed } from './github-errors.js';
import { holdRef, resolveCommitish } from './git-ref-routes.js';
import { releaseShape } from './release-shapes.js';
import { actionsBot, nextId, type StoredRelease } from './github-state.js';

const docs = {
  list: `${docsBase}/releases/releases#list-releases`,
  create: `${docsBase}/releases/releases#create-a-release`,
  get: `${docsBase}/releases/releases#get-a-release`,
  byTag: `${docsBase}/releases/releases#get-a-release-by-tag-name`,
  update: `${docsBase}/releases/releases#update-a-release`,
};

/** GitHub's limit on a release's notes. */
const maxNotesLength = 125_000;

interface ReleaseFields {
  tag_name?: unknown;
  target_commitish?: unknown;
  name?: unknown;
  body?: unknown;
  draft?: unknown;
  prerelease?: unknown;
}

const shape = (call: RepositoryCall, release: StoredRelease) =>
  releaseShape(call.urls, call.repository, release);

/** The release numbered in the path, if the caller may see it (a draft only with contents: write). */
export function visibleRelease(call: RepositoryCall, id: number): StoredRelease | undefined {
  const release = call.repository.releases.get(id);
  if (release === undefined) return undefined;
  return release.draft && !grants(call.grant, 'contents', 'write') ? undefined : release;
}

/** The published release of `tag`, if there is one. */
function publishedOn(call: RepositoryCall, tag: string): StoredRelease | undefined {
  return [...call.repository.releases.values()].find((r) => !r.draft && r.tagName === tag);
}

/** What GitHub refuses in a release's fields before it keeps them (the tag name, the notes' length). */
function invalidFields(body: ReleaseFields, documentation: string): Reply | undefined {
  if (body.tag_name !== undefined && (typeof body.tag_name !== 'string' || body.tag_name.trim() === ''))
    return validationFailed(documentation, { resource: 'Release', field: 'tag_name', code: 'invalid' });
  if (typeof body.body === 'string' && body.body.length > maxNotesLength)
    return validationFailed(documentation, {
      resource: 'Release',
      field: 'body',
      code: 'custom',
      message: `body is too long (maximum is ${maxNotesLength} characters)`,
    });
  return undefined;
}

/**
 * Publishes `release` on its tag: the tag is created at `target_commitish` when the repository lacks it; a tag that
 * already has a published release is GitHub's 422 `already_exists`.
 */
function publish(call: RepositoryCall, release: StoredRelease, documentation: string): Reply | undefined {
  const other = publishedOn(call, release.tagName);
  if (other !== undefined && other.id !== release.id)
    return validationFailed(documentation, {
      resource: 'Release',
      field: 'tag_name',
      code: 'already_exists',
    });
  const tagRef = `refs/tags/${release.tagName}`;
  if (!call.repository.refs.has(tagRef)) {
    const commit = resolveCommitish(call.repository, release.targetCommitish);
    if (commit === undefined)
      return validationFailed(documentation, {
        resource: 'Release',
        field: 'target_commitish',
        code: 'invalid',
      });
    holdRef(call.repository, tagRef, commit, call.now);
  }
  release.draft = false;
  release.publishedAt = call.now;
  return undefined;
}

function createRelease(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['contents'], 'write', docs.create);
  if (refused) return refused;
  const body = (call.body ?? {}) as ReleaseFields;
  if (body.tag_name === undefined)
    return validationFailed(docs.create, { resource: 'Release', field: 'tag_name', code: 'missing_field' });
  const invalid = invalidFields(body, docs.create);
  if (invalid) return invalid;
  const release: StoredRelease = {
    id: nextId(call.state),
    tagName: String(body.tag_name),
    targetCommitish:
      typeof body.target_commitish === 'string' ? body.target_commitish : call.repository.defaultBranch,
    name: typeof body.name === 'string' ? body.name : null,
    body: typeof body.body === 'string' ? body.body : null,
    draft: true,
    prerelease: body.prerelease === true,
    author: actionsBot,
    createdAt: call.now,
    publishedAt: null,
    updatedAt: call.now,
    assets: [],
  };
  if (body.draft !== true) {
    const unpublished = publish(call, release, docs.create);
    if (unpublished) return unpublished;
  }
  call.repository.releases.set(release.id, release);
  const answer = shape(call, release);
  return json(201, answer, { location: answer.url });
}

function listReleases(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['contents'], 'read', docs.list);
  if (refused) return refused;
  const seesDrafts = grants(call.grant, 'contents', 'write');
  const releases = [...call.repository.releases.values()].filter((r) => seesDrafts || !r.draft);
  const { page, headers } = paginate(
    call,
    sortBy(call, releases, (r) => r.createdAt),
  );
  return json(
    200,
    page.map((release) => shape(call, release)),
    headers,
  );
}

function getRelease(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['contents'], 'read', docs.get);
  if (refused) return refused;
  const release = visibleRelease(call, Number(call.params[0]));
  return release === undefined ? notFound(docs.get) : json(200, shape(call, release));
}

function getReleaseByTag(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['contents'], 'read', docs.byTag);
  if (refused) return refused;
  const release = publishedOn(call, call.params[0] ?? '');
  return release === undefined ? notFound(docs.byTag) : json(200, shape(call, release));
}

function updateRelease(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['contents'], 'write', docs.update);
  if (refused) return refused;
  const release = call.repository.releases.get(Number(call.params[0]));
  if (release === undefined) return notFound(docs.update);
  const body = (call.body ?? {}) as ReleaseFields;
  const invalid = invalidFields(body, docs.update);
  if (invalid) return invalid;
  const wasDraft = release.draft;
  const before = { ...release };
  if (typeof body.tag_name === 'string') release.tagName = body.tag_name;
  if (typeof body.target_commitish === 'string') release.targetCommitish = body.target_commitish;
  if (typeof body.name === 'string') release.name = body.name;
  if (typeof body.body === 'string') release.body = body.body;
  if (typeof body.prerelease === 'boolean') release.prerelease = body.prerelease;
  if (wasDraft && body.draft === false) {
    const unpublished = publish(call, release, docs.update);
    // Nothing is half changed: the release keeps its fields when it cannot be published.
    if (unpublished) {
      Object.assign(release, before);
      return unpublished;
    }
  }
  if (!wasDraft && body.draft === true) {
    release.draft = true;
    release.publishedAt = null;
  }
  release.updatedAt = call.now;
  return json(200, shape(call, release));
}

/** The release routes under `/repos/{owner}/{repo}`. */
export const releaseRoutes: RepositoryRoute[] = [
  { method: 'GET', path: /^\/releases$/, template: '/releases', handle: listReleases },
  { method: 'POST', path: /^\/releases$/, template: '/releases', handle: createRelease },
  { method: 'GET', path: /^\/releases\/(\d+)$/, template: '/releases/{release_id}', handle: getRelease },
  { method: 'PATCH', path: /^\/releases\/(\d+)$/, template: '/releases/{release_id}', handle: updateRelease },
  {
    method: 'GET',
    path: /^\/releases\/tags\/(.+)$/,
    template: '/releases/tags/{tag}',
    handle: getReleaseByTag,
  },
];
