/**
 * The release steps of workflows-examples/release.yml, and a maintainer's preparation of a release.
 *
 *   npm run release -- prepare 0.2.0 [--date 2027-01-31]
 *       sets the version in package.json (and its lockfile), every task.json and vss-extension.json, and moves the
 *       changelog's Unreleased entries under ## [0.2.0] - date (today by default)
 *   npm run release -- notes [VERSION]      prints the release notes of VERSION (package.json's by default)
 *
 * In a job started by a tag push (GITHUB_REF_TYPE, GITHUB_REF_NAME, GITHUB_SHA, GITHUB_REPOSITORY,
 * GITHUB_API_URL and GITHUB_TOKEN with contents: write):
 *   npm run release -- check                checks the tag, the versions, the notes and the server's tag; writes the
 *                                           outputs version, tag, asset and released (true when already released)
 *   npm run release -- publish --asset FILE publishes the release with FILE as its asset (a draft first)
 *   npm run release -- move-major-tag       points v<major> at the released commit
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareChangelog, releaseNotes } from './changelog.js';
import { moveMajorTag } from './major-tag.js';
import { publishRelease } from './publish-release.js';
import { checkRelease, type CheckedRelease } from './release-check.js';
import { releaseRepository, type ReleaseRepository } from './release-repository.js';
import { compareVersions, parseVersion, sourceVersion, writeVersion } from './release-version.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A refusal the user acts on: printed as an error annotation, without a stack. */
class Refusal extends Error {}

function variable(name: string, hint: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Refusal(`${name} is not set: ${hint}`);
  return value;
}

function runnerRepository(): ReleaseRepository {
  return releaseRepository(
    variable('GITHUB_TOKEN', 'give the step env: GITHUB_TOKEN: ${{ github.token }}.'),
    variable('GITHUB_API_URL', 'run this step in a GitHub Actions job.'),
    variable('GITHUB_REPOSITORY', 'run this step in a GitHub Actions job.'),
  );
}

/** The release of this run, checked, or a refusal with every sentence that refuses it. */
async function checkedRun(repository: ReleaseRepository): Promise<CheckedRelease> {
  const run = {
    refType: variable('GITHUB_REF_TYPE', 'run this step in a job started by a tag push.'),
    refName: variable('GITHUB_REF_NAME', 'run this step in a job started by a tag push.'),
    sha: variable('GITHUB_SHA', 'run this step in a job started by a tag push.'),
  };
  const checked = await checkRelease(root, run, repository);
  if ('refusals' in checked) throw new Refusal(checked.refusals.join('\n'));
  return checked;
}

function writeOutputs(outputs: Record<string, string>): void {
  const file = process.env.GITHUB_OUTPUT;
  const lines = Object.entries(outputs).map(([name, value]) => `${name}=${value}\n`);
  if (file) appendFileSync(file, lines.join(''));
  else process.stdout.write(lines.join(''));
}

async function check(): Promise<void> {
  const release = await checkedRun(runnerRepository());
  console.log(
    release.released
      ? `${release.tag} is already released with ${release.assetName}: nothing to build.`
      : `${release.tag} releases ${release.version} with ${release.assetName}.`,
  );
  writeOutputs({
    version: release.version,
    tag: release.tag,
    asset: release.assetName,
    released: String(release.released),
  });
}

async function publish(assetPath: string | undefined): Promise<void> {
  if (assetPath === undefined) throw new Refusal('publish needs --asset FILE: the VSIX to release.');
  const file = resolve(assetPath);
  if (!existsSync(file))
    throw new Refusal(`${assetPath} does not exist: run npm run package:ado -- --output ${assetPath} first.`);
  const repository = runnerRepository();
  const checked = await checkedRun(repository);
  const asset = { name: checked.assetName, bytes: readFileSync(file), contentType: 'application/zip' };
  const { release, outcome } = await publishRelease(
    repository,
    { tag: checked.tag, commit: checked.commit, name: checked.tag, notes: checked.notes, asset },
    (line) => console.log(line),
  );
  writeOutputs({ 'release-url': release.html_url, outcome });
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary)
    appendFileSync(
      summary,
      `### ${checked.tag}: ${outcome}\n\n[${release.html_url}](${release.html_url}), with ${asset.name} (${asset.bytes.length} bytes).\n`,
    );
}

async function moveTag(): Promise<void> {
  const repository = runnerRepository();
  const checked = await checkedRun(repository);
  const outcome = await moveMajorTag(repository, parseVersion(checked.version)!, checked.commit, (line) =>
    console.log(line),
  );
  writeOutputs({ 'major-tag': `v${checked.version.split('.')[0]}`, 'major-tag-outcome': outcome });
}

/** The repository's web URL from package.json's `repository`. */
function repositoryUrl(): string {
  const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
    repository?: { url?: string };
  };
  return (manifest.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
}

function prepare(text: string | undefined, date: string): void {
  const version = text === undefined ? undefined : parseVersion(text);
  if (version === undefined)
    throw new Refusal(
      `prepare needs the version to release as MAJOR.MINOR.PATCH in numbers, not '${text ?? ''}'.`,
    );
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Refusal(`--date must be YYYY-MM-DD, not '${date}'.`);
  const current = sourceVersion(root);
  const currentVersion = parseVersion(current);
  if (currentVersion !== undefined && compareVersions(version, currentVersion) < 0)
    throw new Refusal(
      `${text!} is older than ${current}, the version package.json carries: give a newer one.`,
    );
  const changelogPath = resolve(root, 'CHANGELOG.md');
  const changelog = prepareChangelog(readFileSync(changelogPath, 'utf8'), text!, date, repositoryUrl());
  if ('refusal' in changelog) throw new Refusal(changelog.refusal);
  for (const path of writeVersion(root, version)) console.log(`wrote ${path}`);
  writeFileSync(changelogPath, changelog.text);
  console.log('wrote CHANGELOG.md');
  console.log(`Review, commit and merge; then tag the merged commit v${text!} and push the tag.`);
}

function notes(version: string | undefined): void {
  const result = releaseNotes(
    readFileSync(resolve(root, 'CHANGELOG.md'), 'utf8'),
    version ?? sourceVersion(root),
  );
  if ('refusal' in result) throw new Refusal(result.refusal);
  console.log(result.notes);
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
}

async function main(args: string[]): Promise<void> {
  const [command, first] = args;
  if (command === 'check') return check();
  if (command === 'publish') return publish(option(args, '--asset'));
  if (command === 'move-major-tag') return moveTag();
  if (command === 'notes') return notes(first);
  if (command === 'prepare')
    return prepare(first, option(args, '--date') ?? new Date().toISOString().slice(0, 10));
  throw new Refusal(
    `Unknown command '${command ?? ''}': use prepare, notes, check, publish or move-major-tag.`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const sentences = error instanceof Refusal ? error.message.split('\n') : [(error as Error).message];
  // GitHub shows each ::error:: line as an annotation of the step.
  for (const sentence of sentences) console.log(`::error::${sentence}`);
  process.exitCode = 1;
});
