/**
 * What a release run checks before it builds anything: the run is for a release tag, the tag names the version the
 * repository carries everywhere, the changelog has that version's notes, the server's tag still names the commit
 * the run checked out, and whether that version is already released (then the run has nothing to build).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { releaseNotes } from './changelog.js';
import { publishedRelease, tagCommit, type ReleaseRepository } from './release-repository.js';
import { formatVersion, sourceVersion, versionDisagreements, versionOfTag } from './release-version.js';

/** What a release run is for: the pushed ref and the commit it checked out. */
export interface ReleaseRun {
  /** `tag` or `branch` (GITHUB_REF_TYPE). */
  refType: string;
  /** The tag's name (GITHUB_REF_NAME). */
  refName: string;
  /** The commit checked out (GITHUB_SHA). */
  sha: string;
}

/** The release a run makes, once checked. */
export interface CheckedRelease {
  tag: string;
  version: string;
  /** The commit the tag names, which the run checked out: the released commit. */
  commit: string;
  /** The release's notes: the changelog's section of the version. */
  notes: string;
  /** The file name of the VSIX the release carries. */
  assetName: string;
  /** The version is already released with its asset: nothing to build or upload. */
  released: boolean;
}

/** The name of the VSIX a release of `version` carries. */
export function vsixAssetName(version: string): string {
  return `azpn-${version}.vsix`;
}

/** What the repository's files refuse about releasing `run`'s tag, before any call: empty when nothing. */
function localRefusals(
  root: string,
  run: ReleaseRun,
): string[] | { tag: string; version: string; notes: string } {
  if (run.refType !== 'tag')
    return [
      `A release runs on a tag push, and this run is for the ${run.refType} ${run.refName}: push a tag vX.Y.Z.`,
    ];
  const version = versionOfTag(run.refName);
  if (typeof version === 'string') return [version];
  const disagreements = versionDisagreements(root);
  if (disagreements.length > 0) return disagreements;
  const source = sourceVersion(root);
  if (formatVersion(version) !== source)
    return [
      `The tag ${run.refName} does not match the version ${source} of package.json: run \`npm run release -- prepare ${formatVersion(version)}\`, merge it and tag that commit, or delete the tag.`,
    ];
  const notes = releaseNotes(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), source);
  if ('refusal' in notes) return [notes.refusal];
  return { tag: run.refName, version: source, notes: notes.notes };
}

/**
 * Checks a release run of the repository at `root` against its files and the server; answers the release, or the
 * sentences that refuse it (one per problem found).
 */
export async function checkRelease(
  root: string,
  run: ReleaseRun,
  repository: ReleaseRepository,
): Promise<CheckedRelease | { refusals: string[] }> {
  const local = localRefusals(root, run);
  if (Array.isArray(local)) return { refusals: local };
  const commit = await tagCommit(repository, local.tag);
  if (commit !== run.sha)
    return {
      refusals: [
        commit === undefined
          ? `The repository has no tag ${local.tag} any more: push it again to release.`
          : `The tag ${local.tag} now names ${commit}, not ${run.sha} that this run checked out: the run for the tag's new push releases it.`,
      ],
    };
  const assetName = vsixAssetName(local.version);
  const release = await publishedRelease(repository, local.tag);
  const released = release?.assets.some((asset) => asset.name === assetName) ?? false;
  return { ...local, commit, assetName, released };
}
