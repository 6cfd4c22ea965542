/**
 * The repository a release is made in, reached through GitHub's REST API with the job's `GITHUB_TOKEN` at
 * `GITHUB_API_URL` (github.com or an Enterprise Server): what its tags name and which releases it has.
 */
import { getOctokit } from '@actions/github';

/** The API client of the repository, with its owner and name. */
export interface ReleaseRepository {
  octokit: ReturnType<typeof getOctokit>;
  owner: string;
  repo: string;
}

/** A release as the API answers it. */
export type Release = Awaited<
  ReturnType<ReleaseRepository['octokit']['rest']['repos']['getRelease']>
>['data'];

/** The client for `owner/name` at `apiUrl`, signed in with `token`. */
export function releaseRepository(token: string, apiUrl: string, fullName: string): ReleaseRepository {
  const [owner = '', repo = ''] = fullName.split('/');
  return { octokit: getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, '') }), owner, repo };
}

/** True for the API's 404. */
export function isNotFound(error: unknown): boolean {
  return (error as { status?: unknown }).status === 404;
}

/**
 * What to do about a refused call, in one sentence: the job's permissions for a 403, GitHub's own message
 * otherwise. `doing` says what was being done ("create the release").
 */
export function explainRequestError(error: unknown, doing: string): Error {
  const { status, message } = error as { status?: number; message?: string };
  if (status === 403)
    return new Error(
      `GitHub refused to ${doing} (403 ${message ?? ''}): give the release job permissions: contents: write.`,
    );
  if (status === undefined) return error instanceof Error ? error : new Error(String(error));
  return new Error(`GitHub refused to ${doing} (${status} ${message ?? ''}).`);
}

/** The commit the tag names on the server (through an annotated tag object), or undefined when it lacks the tag. */
export async function tagCommit(repository: ReleaseRepository, tag: string): Promise<string | undefined> {
  const { octokit, owner, repo } = repository;
  try {
    const ref = await octokit.rest.git.getRef({ owner, repo, ref: `tags/${tag}` });
    if (ref.data.object.type !== 'tag') return ref.data.object.sha;
    const annotated = await octokit.rest.git.getTag({ owner, repo, tag_sha: ref.data.object.sha });
    return annotated.data.object.sha;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw explainRequestError(error, `read the tag ${tag}`);
  }
}

/** The published release of `tag`, if there is one (a draft is not found by its tag). */
export async function publishedRelease(
  repository: ReleaseRepository,
  tag: string,
): Promise<Release | undefined> {
  const { octokit, owner, repo } = repository;
  try {
    return (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag })).data;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw explainRequestError(error, `read the release of ${tag}`);
  }
}

/** Every release, drafts included when the token may write contents. */
export async function allReleases(repository: ReleaseRepository): Promise<Release[]> {
  const { octokit, owner, repo } = repository;
  try {
    return await octokit.paginate(octokit.rest.repos.listReleases, { owner, repo, per_page: 100 });
  } catch (error) {
    throw explainRequestError(error, 'list the releases');
  }
}
