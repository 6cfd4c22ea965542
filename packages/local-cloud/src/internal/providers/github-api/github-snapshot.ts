/**
 * What the GitHub stand-in shows the admin API (every repository's issues, pull requests, comments, labels, refs and
 * releases with their assets' sizes and digests, and each job token's permissions and use, never the token itself)
 * and keeps in the snapshot file (the repositories, assets' bytes in base64; job tokens are new on each start, as the
 * cloud's keys are).
 */
import type { PluginSnapshot } from '../../cloud-plugin.js';
import type { ResourceStore } from '../../arm/resource-store.js';
import {
  fullNameOf,
  gitHubStateOf,
  type StoredComment,
  type StoredIssue,
  type StoredLabel,
  type StoredRef,
  type StoredRelease,
  type StoredRepository,
  type StoredTagObject,
} from './github-state.js';

/** A release as the snapshot holds it: each asset's bytes in base64. */
type ReleaseRecord = Omit<StoredRelease, 'assets'> & {
  assets: (Omit<StoredRelease['assets'][number], 'bytes'> & { bytes: string })[];
};

/** A repository as the admin API and the snapshot hold it: plain lists instead of maps. */
interface RepositoryRecord {
  id: string;
  repository: Omit<StoredRepository, 'issues' | 'comments' | 'labels' | 'refs' | 'tagObjects' | 'releases'>;
  issues: StoredIssue[];
  comments: StoredComment[];
  labels: StoredLabel[];
  /** Absent in a snapshot written before the stand-in kept refs and releases. */
  refs?: StoredRef[];
  tagObjects?: StoredTagObject[];
  releases?: ReleaseRecord[];
}

function recordOf(repository: StoredRepository): RepositoryRecord {
  const { issues, comments, labels, refs, tagObjects, releases, ...fields } = repository;
  return {
    id: fullNameOf(repository),
    repository: fields,
    issues: [...issues.values()],
    comments: [...comments.values()],
    labels: [...labels.values()],
    refs: [...refs.values()],
    tagObjects: [...tagObjects.values()],
    releases: [...releases.values()].map((release) => ({
      ...release,
      assets: release.assets.map((asset) => ({ ...asset, bytes: asset.bytes.toString('base64') })),
    })),
  };
}

function releaseOf(record: ReleaseRecord): StoredRelease {
  return {
    ...record,
    assets: record.assets.map((asset) => ({ ...asset, bytes: Buffer.from(asset.bytes, 'base64') })),
  };
}

/** The stand-in's state for tests: repositories with their issues (state, reason, labels), comments and labels. */
export function gitHubAdminState(store: ResourceStore) {
  const state = gitHubStateOf(store);
  return {
    repositories: [...state.repositories.values()].map((repository) => {
      const record = recordOf(repository);
      return {
        fullName: record.id,
        issues: record.issues,
        comments: record.comments,
        labels: record.labels,
        refs: record.refs,
        releases: [...repository.releases.values()].map((release) => ({
          ...release,
          assets: release.assets.map(({ bytes, ...asset }) => ({ ...asset, size: bytes.length })),
        })),
      };
    }),
    tokens: [...state.tokens.values()].map((grant) => ({
      repository: grant.repository,
      permissions: grant.permissions,
      used: { core: grant.rate.core.used, search: grant.rate.search.used },
    })),
  };
}

/** The repositories in the snapshot file, one entry each. */
export const gitHubSnapshot: PluginSnapshot = {
  save: (store) =>
    [...gitHubStateOf(store).repositories.values()].map((repository) => {
      const record = recordOf(repository);
      return [record.id.toLowerCase(), record];
    }),
  restore: (store, entries) => {
    const state = gitHubStateOf(store);
    for (const [key, stored] of entries as [string, RepositoryRecord][]) {
      state.repositories.set(key, {
        ...stored.repository,
        issues: new Map(stored.issues.map((i) => [i.number, i])),
        comments: new Map(stored.comments.map((c) => [c.id, c])),
        labels: new Map(stored.labels.map((l) => [l.name.toLowerCase(), l])),
        refs: new Map((stored.refs ?? []).map((r) => [r.ref, r])),
        tagObjects: new Map((stored.tagObjects ?? []).map((t) => [t.sha, t])),
        releases: new Map((stored.releases ?? []).map((r) => [r.id, releaseOf(r)])),
      });
      const releases = stored.releases ?? [];
      const ids = [
        stored.repository.id,
        ...stored.issues,
        ...stored.comments,
        ...stored.labels,
        ...releases,
        ...releases.flatMap((r) => r.assets),
      ].map((x) => (typeof x === 'number' ? x : x.id));
      state.nextId = Math.max(state.nextId, ...ids.map((id) => id + 1));
    }
  },
};
