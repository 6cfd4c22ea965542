/**
 * Releases, their assets, git refs and annotated tags in the shapes GitHub's REST API answers (`release`,
 * `release-asset`, `git-ref`, `git-tag`), with the URLs an Enterprise Server gives them: the API under `api`, a
 * release's `upload_url` under `uploads`, downloads under the server.
 */
import { gitHubTime, nodeId, userShape, type GitHubUrls } from './github-shapes.js';
import {
  fullNameOf,
  type StoredAsset,
  type StoredRef,
  type StoredRelease,
  type StoredRepository,
  type StoredTagObject,
} from './github-state.js';

const repositoryApi = (urls: GitHubUrls, repository: StoredRepository) =>
  `${urls.api}/repos/${fullNameOf(repository)}`;

/** A path segment or ref name as it goes into a URL: each segment escaped, the slashes kept. */
const pathOf = (name: string) => name.split('/').map(encodeURIComponent).join('/');

/** A release asset as `release-asset`. */
export function assetShape(
  urls: GitHubUrls,
  repository: StoredRepository,
  release: StoredRelease,
  asset: StoredAsset,
) {
  return {
    url: `${repositoryApi(urls, repository)}/releases/assets/${asset.id}`,
    browser_download_url: `${urls.server}/${fullNameOf(repository)}/releases/download/${pathOf(release.tagName)}/${encodeURIComponent(asset.name)}`,
    id: asset.id,
    node_id: nodeId('ReleaseAsset', asset.id),
    name: asset.name,
    label: asset.label,
    state: 'uploaded' as const,
    content_type: asset.contentType,
    size: asset.bytes.length,
    digest: asset.digest,
    download_count: asset.downloadCount,
    created_at: gitHubTime(asset.createdAt),
    updated_at: gitHubTime(asset.updatedAt),
    uploader: userShape(urls, asset.uploader),
  };
}

/** A release as `release`: a draft's `html_url` names it by id, as its tag does not exist yet. */
export function releaseShape(urls: GitHubUrls, repository: StoredRepository, release: StoredRelease) {
  const api = `${repositoryApi(urls, repository)}/releases/${release.id}`;
  const name = fullNameOf(repository);
  const tag = pathOf(release.tagName);
  return {
    url: api,
    html_url: release.draft
      ? `${urls.server}/${name}/releases/tag/untagged-${release.id}`
      : `${urls.server}/${name}/releases/tag/${tag}`,
    assets_url: `${api}/assets`,
    upload_url: `${urls.uploads}/repos/${name}/releases/${release.id}/assets{?name,label}`,
    tarball_url: release.draft ? null : `${repositoryApi(urls, repository)}/tarball/${tag}`,
    zipball_url: release.draft ? null : `${repositoryApi(urls, repository)}/zipball/${tag}`,
    id: release.id,
    node_id: nodeId('Release', release.id),
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name,
    body: release.body,
    draft: release.draft,
    prerelease: release.prerelease,
    immutable: false,
    created_at: gitHubTime(release.createdAt),
    published_at: release.publishedAt === null ? null : gitHubTime(release.publishedAt),
    updated_at: gitHubTime(release.updatedAt),
    author: userShape(urls, release.author),
    assets: release.assets.map((asset) => assetShape(urls, repository, release, asset)),
  };
}

/** A git ref as `git-ref`: its object is a commit or, for an annotated tag, the tag object. */
export function refShape(urls: GitHubUrls, repository: StoredRepository, ref: StoredRef) {
  const api = repositoryApi(urls, repository);
  return {
    ref: ref.ref,
    node_id: Buffer.from(`04:Ref${repository.id}:${ref.ref}`).toString('base64'),
    url: `${api}/git/${pathOf(ref.ref)}`,
    object: {
      type: ref.type,
      sha: ref.sha,
      url: `${api}/git/${ref.type === 'tag' ? 'tags' : 'commits'}/${ref.sha}`,
    },
  };
}

/** An annotated tag object as `git-tag`; the stand-in signs nothing, so it is unverified. */
export function tagObjectShape(urls: GitHubUrls, repository: StoredRepository, tag: StoredTagObject) {
  const api = repositoryApi(urls, repository);
  return {
    node_id: Buffer.from(`03:Tag${repository.id}:${tag.sha}`).toString('base64'),
    tag: tag.tag,
    sha: tag.sha,
    url: `${api}/git/tags/${tag.sha}`,
    message: tag.message,
    tagger: { date: gitHubTime(tag.tagger.date), email: tag.tagger.email, name: tag.tagger.name },
    object: { sha: tag.commitSha, type: 'commit', url: `${api}/git/commits/${tag.commitSha}` },
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}
