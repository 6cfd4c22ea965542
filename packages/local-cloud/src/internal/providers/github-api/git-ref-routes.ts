/**
 * Git refs and annotated tags: get a ref, create one, move one (a major version tag), get a tag object. Reading
 * needs `contents: read`, writing `contents: write`. The stand-in keeps no commits, so any 40-hex id is taken as
 * one, and an update without `force` is taken as the fast forward it cannot check.
 */
import { createHash } from 'node:crypto';
import { json, type Reply } from '../../http/exchange.js';
import { requirePermission, type RepositoryCall, type RepositoryRoute } from './github-call.js';
import { docsBase, gitHubError, notFound } from './github-errors.js';
import { refShape, tagObjectShape } from './release-shapes.js';
import type { StoredRef, StoredRepository } from './github-state.js';

const docs = {
  get: `${docsBase}/git/refs#get-a-reference`,
  create: `${docsBase}/git/refs#create-a-reference`,
  update: `${docsBase}/git/refs#update-a-reference`,
  tag: `${docsBase}/git/tags#get-a-tag`,
};

const commitId = /^[0-9a-f]{40}$/;

/** The commit a ref names: itself, or the commit of the annotated tag it points at. */
export function peeledCommit(repository: StoredRepository, ref: StoredRef): string {
  return ref.type === 'tag' ? (repository.tagObjects.get(ref.sha)?.commitSha ?? ref.sha) : ref.sha;
}

/** The ref (and its type) that `sha` makes: a known tag object's sha makes a tag ref, any other a commit ref. */
function refTo(repository: StoredRepository, ref: string, sha: string): StoredRef {
  return { ref, sha, type: repository.tagObjects.has(sha) ? 'tag' : 'commit' };
}

/**
 * The commit a release's `target_commitish` names: a commit id, or a branch or tag the repository holds; undefined
 * when it names none.
 */
export function resolveCommitish(repository: StoredRepository, commitish: string): string | undefined {
  if (commitId.test(commitish)) return commitish;
  const name = commitish.replace(/^refs\//, '');
  for (const candidate of [`refs/${name}`, `refs/heads/${name}`, `refs/tags/${name}`]) {
    const ref = repository.refs.get(candidate);
    if (ref !== undefined) return peeledCommit(repository, ref);
  }
  return undefined;
}

/**
 * Holds `ref` at `commit` as a push leaves it, lightweight or (`message`) as an annotated tag object, whose sha is
 * derived from its name, message and commit. A ref that already names the commit is kept as it is (an annotated tag
 * is not flattened by a later lightweight hold of the same commit).
 */
export function holdRef(
  repository: StoredRepository,
  ref: string,
  commit: string,
  now: number,
  annotation?: { message: string },
): StoredRef {
  const held = repository.refs.get(ref);
  if (
    held !== undefined &&
    peeledCommit(repository, held) === commit &&
    (annotation === undefined || held.type === 'tag')
  )
    return held;
  if (annotation === undefined || !ref.startsWith('refs/tags/')) {
    const lightweight: StoredRef = { ref, sha: commit, type: 'commit' };
    repository.refs.set(ref, lightweight);
    return lightweight;
  }
  const tag = ref.slice('refs/tags/'.length);
  const sha = createHash('sha1').update(`tag ${tag}\n${annotation.message}\n${commit}`).digest('hex');
  repository.tagObjects.set(sha, {
    sha,
    tag,
    message: annotation.message,
    commitSha: commit,
    tagger: { name: 'octocat', email: 'octocat@users.noreply.github.com', date: now },
  });
  const annotated: StoredRef = { ref, sha, type: 'tag' };
  repository.refs.set(ref, annotated);
  return annotated;
}

/** GitHub's 422 for a ref call it cannot carry out, with its message. */
const unprocessable = (message: string, documentation: string) => gitHubError(422, message, documentation);

function getRef(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['contents'], 'read', docs.get);
  if (refused) return refused;
  const ref = call.repository.refs.get(`refs/${call.params[0] ?? ''}`);
  return ref === undefined ? notFound(docs.get) : json(200, refShape(call.urls, call.repository, ref));
}

function createRef(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['contents'], 'write', docs.create);
  if (refused) return refused;
  const body = (call.body ?? {}) as { ref?: unknown; sha?: unknown };
  if (typeof body.ref !== 'string' || !/^refs\/[^/]+\/.+/.test(body.ref))
    return unprocessable(
      "Reference name must start with 'refs/' and have at least two slashes.",
      docs.create,
    );
  if (typeof body.sha !== 'string' || !commitId.test(body.sha))
    return unprocessable('Object does not exist', docs.create);
  if (call.repository.refs.has(body.ref)) return unprocessable('Reference already exists', docs.create);
  const ref = refTo(call.repository, body.ref, body.sha);
  call.repository.refs.set(ref.ref, ref);
  const shape = refShape(call.urls, call.repository, ref);
  return json(201, shape, { location: shape.url });
}

function updateRef(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['contents'], 'write', docs.update);
  if (refused) return refused;
  const name = `refs/${call.params[0] ?? ''}`;
  if (!call.repository.refs.has(name)) return unprocessable('Reference does not exist', docs.update);
  const body = (call.body ?? {}) as { sha?: unknown };
  if (typeof body.sha !== 'string' || !commitId.test(body.sha))
    return unprocessable('Object does not exist', docs.update);
  const ref = refTo(call.repository, name, body.sha);
  call.repository.refs.set(name, ref);
  return json(200, refShape(call.urls, call.repository, ref));
}

function getTagObject(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['contents'], 'read', docs.tag);
  if (refused) return refused;
  const tag = call.repository.tagObjects.get(call.params[0] ?? '');
  return tag === undefined ? notFound(docs.tag) : json(200, tagObjectShape(call.urls, call.repository, tag));
}

/** The git ref and tag routes under `/repos/{owner}/{repo}`. */
export const gitRefRoutes: RepositoryRoute[] = [
  { method: 'GET', path: /^\/git\/ref\/(.+)$/, template: '/git/ref/{ref}', handle: getRef },
  { method: 'POST', path: /^\/git\/refs$/, template: '/git/refs', handle: createRef },
  { method: 'PATCH', path: /^\/git\/refs\/(.+)$/, template: '/git/refs/{ref}', handle: updateRef },
  {
    method: 'GET',
    path: /^\/git\/tags\/([0-9a-f]{40})$/,
    template: '/git/tags/{tag_sha}',
    handle: getTagObject,
  },
];
