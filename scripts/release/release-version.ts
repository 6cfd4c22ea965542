/**
 * The release version and the files that must carry it. The root package.json's `version` is the one source; every
 * task.json (`version` Major/Minor/Patch) and vss-extension.json (`version`) follow it, so a release tag
 * `v<version>` names one version everywhere. A task's Major is part of how pipelines reference it (`AzpnDeploy@0`),
 * so the major version is a promise to pipelines as much as the `v0` tag is to workflows.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A released version: numbers only, as Azure DevOps tasks and extensions take no pre-release suffix. */
export interface ReleaseVersion {
  major: number;
  minor: number;
  patch: number;
}

const plainVersion = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** `1.2.3` as a version, or undefined when it is not MAJOR.MINOR.PATCH in numbers. */
export function parseVersion(text: string): ReleaseVersion | undefined {
  const match = plainVersion.exec(text);
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** `1.2.3`. */
export function formatVersion(version: ReleaseVersion): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}

/** Negative, zero or positive as `a` is older than, the same as or newer than `b`. */
export function compareVersions(a: ReleaseVersion, b: ReleaseVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** The version a release tag names (`v1.2.3`), or the sentence saying why the tag is not one. */
export function versionOfTag(tag: string): ReleaseVersion | string {
  const version = tag.startsWith('v') ? parseVersion(tag.slice(1)) : undefined;
  if (version !== undefined) return version;
  return (
    `The tag '${tag}' is not a release tag: tag vMAJOR.MINOR.PATCH in numbers only (v1.2.3), as the Azure DevOps ` +
    'tasks and extension take no pre-release suffix.'
  );
}

/** A file that carries the version, and the version it carries (as written). */
export interface VersionedFile {
  /** Relative to the repository root. */
  path: string;
  version: string;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** Every actions/<name>/task.json of the repository. */
function taskManifests(root: string): string[] {
  const actions = join(root, 'actions');
  return readdirSync(actions)
    .sort()
    .map((name) => join(actions, name, 'task.json'))
    .filter((path) => existsSync(path));
}

function taskVersion(path: string): string {
  const version = readJson(path).version as { Major?: unknown; Minor?: unknown; Patch?: unknown } | undefined;
  return `${String(version?.Major)}.${String(version?.Minor)}.${String(version?.Patch)}`;
}

/** The version of the root package.json, the one source, as written. */
export function sourceVersion(root: string): string {
  return String(readJson(join(root, 'package.json')).version);
}

/** The files that follow the source: every task.json and vss-extension.json, with the version each carries. */
export function followingFiles(root: string): VersionedFile[] {
  return [
    ...taskManifests(root).map((path) => ({ path: relative(root, path), version: taskVersion(path) })),
    {
      path: 'vss-extension.json',
      version: String(readJson(join(root, 'vss-extension.json')).version),
    },
  ];
}

/**
 * One sentence for each file whose version differs from the root package.json's (or for a source that is not a
 * plain version); empty when they all agree.
 */
export function versionDisagreements(root: string): string[] {
  const source = sourceVersion(root);
  if (parseVersion(source) === undefined)
    return [
      `package.json has version '${source}': give it MAJOR.MINOR.PATCH in numbers, the version every task and the extension carry.`,
    ];
  return followingFiles(root)
    .filter((file) => file.version !== source)
    .map(
      (file) =>
        `${file.path} has version ${file.version} where package.json has ${source}: run \`npm run release -- prepare ${source}\` to set every file to it.`,
    );
}

/**
 * Replaces the first `count` matches of `pattern` in the file with `replacement`, keeping the rest of the text as it
 * is (its formatting included), and checks that the file still reads as JSON.
 */
function editText(path: string, pattern: RegExp, replacement: string, count: number): void {
  let left = count;
  const text = readFileSync(path, 'utf8').replace(new RegExp(pattern.source, 'g'), (found) =>
    left-- > 0 ? replacement : found,
  );
  if (left > 0) throw new Error(`${path} lacks the version field it should carry: restore it from git.`);
  JSON.parse(text);
  writeFileSync(path, text);
}

/**
 * Writes `version` into the root package.json (and the root entries of its lockfile), every task.json and
 * vss-extension.json, changing nothing else in them; answers the files written.
 */
export function writeVersion(root: string, version: ReleaseVersion): string[] {
  const text = formatVersion(version);
  const topVersion = /"version": "[^"]*"/;
  editText(join(root, 'package.json'), topVersion, `"version": "${text}"`, 1);
  // The lockfile names the root package's version at its top and in its packages[""] entry, the first two.
  editText(join(root, 'package-lock.json'), topVersion, `"version": "${text}"`, 2);
  const tasks = taskManifests(root);
  for (const path of tasks) {
    editText(path, /"Major": \d+/, `"Major": ${version.major}`, 1);
    editText(path, /"Minor": \d+/, `"Minor": ${version.minor}`, 1);
    editText(path, /"Patch": \d+/, `"Patch": ${version.patch}`, 1);
  }
  editText(join(root, 'vss-extension.json'), topVersion, `"version": "${text}"`, 1);
  return [
    'package.json',
    'package-lock.json',
    ...tasks.map((path) => relative(root, path)),
    'vss-extension.json',
  ];
}
