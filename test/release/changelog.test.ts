import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { changelogSection, prepareChangelog, releaseNotes } from '../../scripts/release/changelog.js';
import { sourceVersion } from '../../scripts/release/release-version.js';

// CHANGELOG.md as Keep a Changelog writes it: a release's notes are its section, and preparing a release moves the
// Unreleased entries under a new dated section with its links.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const url = 'https://github.com/azpn/private-networking';

const sample = `# Changelog

Notable changes.

## [Unreleased]

### Fixed

- deploy: a thing.

## [0.2.0] - 2027-01-10

### Added

- preview: a mode.

## [0.1.0] - 2026-12-06

### Added

- deploy.

[Unreleased]: ${url}/compare/v0.2.0...HEAD
[0.2.0]: ${url}/compare/v0.1.0...v0.2.0
[0.1.0]: ${url}/releases/tag/v0.1.0
`;

describe('the changelog', () => {
  it("gives a version's section as its notes, without the heading, the next section or the links", () => {
    expect(changelogSection(sample, '0.2.0')).toBe('### Added\n\n- preview: a mode.');
    expect(changelogSection(sample, '0.1.0')).toBe('### Added\n\n- deploy.');
    expect(changelogSection(sample, '0.3.0')).toBeUndefined();
    expect(changelogSection(sample, '0.1.0'.replace('.', 'x'))).toBeUndefined();
  });

  it('refuses a version without a section, or with an empty one, saying what to do', () => {
    expect(releaseNotes(sample, '0.3.0')).toEqual({
      refusal:
        "CHANGELOG.md has no section '## [0.3.0] - YYYY-MM-DD': run `npm run release -- prepare 0.3.0` to move the Unreleased entries under it.",
    });
    expect(releaseNotes(sample.replace('- preview: a mode.', ''), '0.2.0')).toEqual({
      refusal: "CHANGELOG.md's section for 0.2.0 is empty: say what the release changes.",
    });
  });

  it('moves the Unreleased entries under the new version, with its comparison link', () => {
    const prepared = prepareChangelog(sample, '0.3.0', '2027-02-01', url);
    if ('refusal' in prepared) throw new Error(prepared.refusal);
    expect(changelogSection(prepared.text, 'Unreleased')).toBe('');
    expect(changelogSection(prepared.text, '0.3.0')).toBe('### Fixed\n\n- deploy: a thing.');
    expect(changelogSection(prepared.text, '0.2.0')).toBe('### Added\n\n- preview: a mode.');
    expect(prepared.text).toContain('## [Unreleased]\n\n## [0.3.0] - 2027-02-01\n\n### Fixed');
    expect(prepared.text.split('\n').filter((line) => /^\[.+\]: /.test(line))).toEqual([
      `[Unreleased]: ${url}/compare/v0.3.0...HEAD`,
      `[0.3.0]: ${url}/compare/v0.2.0...v0.3.0`,
      `[0.2.0]: ${url}/compare/v0.1.0...v0.2.0`,
      `[0.1.0]: ${url}/releases/tag/v0.1.0`,
    ]);
    expect(prepareChangelog(prepared.text, '0.4.0', '2027-03-01', url)).toEqual({
      refusal: 'The Unreleased section of CHANGELOG.md is empty: say what the release changes first.',
    });
    expect(prepareChangelog(sample, '0.2.0', '2027-03-01', url)).toEqual({
      refusal: 'CHANGELOG.md already has a section for 0.2.0.',
    });
  });

  it("of the repository has the notes of package.json's version, grouped by capability", () => {
    const text = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
    const notes = releaseNotes(text, sourceVersion(root));
    if ('refusal' in notes) throw new Error(notes.refusal);
    for (const capability of ['deploy', 'endpoint-dns', 'jumpbox-probe', 'drift-check', 'preview', 'sample'])
      expect(notes.notes).toMatch(new RegExp(`^#### ${capability} \\(`, 'm'));
    expect(changelogSection(text, 'Unreleased')).toBeDefined();
  });
});
