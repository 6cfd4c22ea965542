/**
 * The major version tag (`v0`, `v1`) that workflows pin (`uses: …/actions/deploy@v0`): moved on the server to the
 * commit of the newest release of that major, created by its first release. A patch of an older line (v0.2.1 after
 * v0.3.0) leaves it where it is, so `@v0` never goes back in time.
 */
import { compareVersions, formatVersion, versionOfTag, type ReleaseVersion } from './release-version.js';
import { allReleases, explainRequestError, tagCommit, type ReleaseRepository } from './release-repository.js';

/** What happened to the major tag. */
export type MajorTagOutcome = 'created' | 'moved' | 'unchanged' | 'kept';

/** The newest published release of the same major that is newer than `version`, if there is one. */
async function newerRelease(
  repository: ReleaseRepository,
  version: ReleaseVersion,
): Promise<string | undefined> {
  const newer = (await allReleases(repository))
    .filter((release) => !release.draft && !release.prerelease)
    .map((release) => versionOfTag(release.tag_name))
    .filter((v): v is ReleaseVersion => typeof v !== 'string' && v.major === version.major)
    .filter((v) => compareVersions(v, version) > 0)
    .sort(compareVersions)
    .pop();
  return newer === undefined ? undefined : `v${formatVersion(newer)}`;
}

/**
 * Points `v<major>` at `commit`, the commit of the release of `version`: created when absent, moved when elsewhere,
 * left alone when a newer release of the major exists. `log` hears what was done.
 */
export async function moveMajorTag(
  repository: ReleaseRepository,
  version: ReleaseVersion,
  commit: string,
  log: (line: string) => void,
): Promise<MajorTagOutcome> {
  const { octokit, owner, repo } = repository;
  const major = `v${version.major}`;
  const newer = await newerRelease(repository, version);
  if (newer !== undefined) {
    log(`${major} stays where it is: ${newer} is newer than v${formatVersion(version)}.`);
    return 'kept';
  }
  const current = await tagCommit(repository, major);
  if (current === commit) {
    log(`${major} already points at ${commit}.`);
    return 'unchanged';
  }
  try {
    if (current === undefined) {
      await octokit.rest.git.createRef({ owner, repo, ref: `refs/tags/${major}`, sha: commit });
      log(`${major} created at ${commit}.`);
      return 'created';
    }
    await octokit.rest.git.updateRef({ owner, repo, ref: `tags/${major}`, sha: commit, force: true });
    log(`${major} moved from ${current} to ${commit}.`);
    return 'moved';
  } catch (error) {
    throw explainRequestError(error, `point ${major} at ${commit}`);
  }
}
