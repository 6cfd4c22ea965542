/**
 * Release assets: upload (on the uploads origin, `<server>/api/uploads` as Enterprise Server serves it, with the
 * file's bytes as the body and its name in the query), list, get (its description, or its bytes with
 * `Accept: application/octet-stream`, streamed directly as GitHub documents it may be) and delete.
 */
import { createHash } from 'node:crypto';
import { json, type Reply } from '../../http/exchange.js';
import {
  isReply,
  paginate,
  requirePermission,
  type RepositoryCall,
  type RepositoryRoute,
} from './github-call.js';
import { docsBase, notFound, validationFailed } from './github-errors.js';
import { visibleRelease } from './release-routes.js';
import { assetShape } from './release-shapes.js';
import { actionsBot, nextId, type StoredAsset, type StoredRelease } from './github-state.js';

const docs = {
  upload: `${docsBase}/releases/assets#upload-a-release-asset`,
  list: `${docsBase}/releases/assets#list-release-assets`,
  get: `${docsBase}/releases/assets#get-a-release-asset`,
  delete: `${docsBase}/releases/assets#delete-a-release-asset`,
};

/** The asset numbered in the path with its release, if the caller may see the release. */
function assetAt(call: RepositoryCall): { release: StoredRelease; asset: StoredAsset } | undefined {
  const id = Number(call.params[0]);
  for (const release of call.repository.releases.values()) {
    const asset = release.assets.find((a) => a.id === id);
    if (asset === undefined) continue;
    return visibleRelease(call, release.id) === undefined ? undefined : { release, asset };
  }
  return undefined;
}

/** The release of the path a caller may write to, or GitHub's 403 or 404. */
function writableRelease(call: RepositoryCall, documentation: string): StoredRelease | Reply {
  const refused = requirePermission(call, ['contents'], 'write', documentation);
  if (refused) return refused;
  return call.repository.releases.get(Number(call.params[0])) ?? notFound(documentation);
}

function uploadAsset(call: RepositoryCall): Reply {
  const release = writableRelease(call, docs.upload);
  if (isReply(release)) return release;
  const name = call.exchange.query.get('name');
  if (name === null || name.trim() === '')
    return validationFailed(docs.upload, { resource: 'ReleaseAsset', field: 'name', code: 'missing_field' });
  if (release.assets.some((a) => a.name === name))
    return validationFailed(docs.upload, { resource: 'ReleaseAsset', field: 'name', code: 'already_exists' });
  const bytes = call.exchange.bodyBytes ?? Buffer.from(call.exchange.bodyText);
  const contentType = String(call.exchange.headers['content-type'] ?? 'application/octet-stream');
  const asset: StoredAsset = {
    id: nextId(call.state),
    name,
    label: call.exchange.query.get('label'),
    contentType,
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    bytes,
    downloadCount: 0,
    uploader: actionsBot,
    createdAt: call.now,
    updatedAt: call.now,
  };
  release.assets.push(asset);
  release.updatedAt = call.now;
  const shape = assetShape(call.urls, call.repository, release, asset);
  return json(201, shape, { location: shape.url });
}

function listAssets(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['contents'], 'read', docs.list);
  if (refused) return refused;
  const release = visibleRelease(call, Number(call.params[0]));
  if (release === undefined) return notFound(docs.list);
  const { page, headers } = paginate(call, release.assets);
  return json(
    200,
    page.map((asset) => assetShape(call.urls, call.repository, release, asset)),
    headers,
  );
}

function getAsset(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['contents'], 'read', docs.get);
  if (refused) return refused;
  const found = assetAt(call);
  if (found === undefined) return notFound(docs.get);
  const accept = String(call.exchange.headers.accept ?? '');
  if (!accept.includes('application/octet-stream'))
    return json(200, assetShape(call.urls, call.repository, found.release, found.asset));
  found.asset.downloadCount++;
  return {
    status: 200,
    body: found.asset.bytes,
    headers: {
      'content-type': found.asset.contentType,
      'content-disposition': `attachment; filename=${encodeURIComponent(found.asset.name)}`,
    },
  };
}

function deleteAsset(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['contents'], 'write', docs.delete);
  if (refused) return refused;
  const found = assetAt(call);
  if (found === undefined) return notFound(docs.delete);
  found.release.assets = found.release.assets.filter((a) => a !== found.asset);
  found.release.updatedAt = call.now;
  return { status: 204 };
}

/** The asset routes under `/repos/{owner}/{repo}` of the API. */
export const assetRoutes: RepositoryRoute[] = [
  {
    method: 'GET',
    path: /^\/releases\/(\d+)\/assets$/,
    template: '/releases/{release_id}/assets',
    handle: listAssets,
  },
  {
    method: 'GET',
    path: /^\/releases\/assets\/(\d+)$/,
    template: '/releases/assets/{asset_id}',
    handle: getAsset,
  },
  {
    method: 'DELETE',
    path: /^\/releases\/assets\/(\d+)$/,
    template: '/releases/assets/{asset_id}',
    handle: deleteAsset,
  },
];

/** The routes under `/repos/{owner}/{repo}` of the uploads origin. */
export const uploadRoutes: RepositoryRoute[] = [
  {
    method: 'POST',
    path: /^\/releases\/(\d+)\/assets$/,
    template: '/releases/{release_id}/assets',
    handle: uploadAsset,
  },
];
