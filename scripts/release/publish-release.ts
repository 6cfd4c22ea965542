/**
 * Publishes a release with its asset so that users never see it half made, and so that running it again for the
 * same tag is safe: the release is built as a draft (found again by a later run if this one fails half way), its
 * asset uploaded where the release says (`upload_url`, on github.com's or an Enterprise Server's uploads origin),
 * then published. A tag already released with its asset is left as it is.
 */
import {
  allReleases,
  explainRequestError,
  publishedRelease,
  type Release,
  type ReleaseRepository,
} from './release-repository.js';

/** The file a release carries. */
export interface ReleaseAsset {
  name: string;
  bytes: Buffer;
  contentType: string;
}

/** What to publish. */
export interface ReleaseRequest {
  tag: string;
  /** The commit the tag names: where GitHub would create the tag, were it missing. */
  commit: string;
  /** The release's title. */
  name: string;
  /** Its notes (Markdown). */
  notes: string;
  asset: ReleaseAsset;
}

/** What a run did: published a new release, finished one (a draft or an asset missing), or found it done. */
export type PublishOutcome = 'published' | 'completed' | 'unchanged';

async function call<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw explainRequestError(error, doing);
  }
}

/** Uploads the asset to `release`, first deleting one of the same name a failed run may have left on a draft. */
async function attach(repository: ReleaseRepository, release: Release, asset: ReleaseAsset): Promise<void> {
  const { octokit, owner, repo } = repository;
  for (const left of release.assets.filter((a) => a.name === asset.name))
    await call(`delete the draft's earlier ${asset.name}`, () =>
      octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: left.id }),
    );
  await call(`upload ${asset.name}`, () =>
    octokit.request({
      method: 'POST',
      url: release.upload_url,
      name: asset.name,
      data: asset.bytes,
      headers: { 'content-type': asset.contentType },
    }),
  );
}

/** The draft of `tag` an earlier run left, with the notes and name of this one, or a new draft. */
async function draftOf(repository: ReleaseRepository, request: ReleaseRequest): Promise<Release> {
  const { octokit, owner, repo } = repository;
  const fields = {
    owner,
    repo,
    tag_name: request.tag,
    target_commitish: request.commit,
    name: request.name,
    body: request.notes,
  };
  const earlier = (await allReleases(repository)).find((r) => r.draft && r.tag_name === request.tag);
  if (earlier !== undefined)
    return (
      await call('update the draft release', () =>
        octokit.rest.repos.updateRelease({ ...fields, release_id: earlier.id }),
      )
    ).data;
  return (
    await call('create the release', () => octokit.rest.repos.createRelease({ ...fields, draft: true }))
  ).data;
}

/**
 * Publishes `request.tag` with its notes and asset, on the tag the repository already holds. Answers the release
 * and what was done; `log` hears one line per step.
 */
export async function publishRelease(
  repository: ReleaseRepository,
  request: ReleaseRequest,
  log: (line: string) => void,
): Promise<{ release: Release; outcome: PublishOutcome }> {
  const { octokit, owner, repo } = repository;
  const published = await publishedRelease(repository, request.tag);
  if (published !== undefined) {
    if (published.assets.some((a) => a.name === request.asset.name)) {
      log(
        `${request.tag} is already released with ${request.asset.name}: left as it is (${published.html_url}).`,
      );
      return { release: published, outcome: 'unchanged' };
    }
    log(`${request.tag} is released without ${request.asset.name}: uploading it.`);
    await attach(repository, published, request.asset);
    return { release: published, outcome: 'completed' };
  }
  const draft = await draftOf(repository, request);
  log(
    `Draft release ${draft.id} for ${request.tag}: uploading ${request.asset.name} (${request.asset.bytes.length} bytes).`,
  );
  await attach(repository, draft, request.asset);
  const release = (
    await call(`publish the release of ${request.tag}`, () =>
      octokit.rest.repos.updateRelease({ owner, repo, release_id: draft.id, draft: false }),
    )
  ).data;
  log(`Published ${release.html_url}.`);
  return { release, outcome: 'published' };
}
