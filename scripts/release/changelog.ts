/**
 * CHANGELOG.md as Keep a Changelog writes it: an `## [Unreleased]` section, then one `## [x.y.z] - YYYY-MM-DD`
 * section per release, newest first, and the link definitions at the end. A release's notes are its section's body.
 */

const linkDefinition = /^\[[^\]]+\]: \S+/;

/** The index of the line `## [<name>]` (with or without a date after it), or -1. */
function headingIndex(lines: string[], name: string): number {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const heading = new RegExp(`^## \\[${escaped}\\](?: - .*)?\\s*$`);
  return lines.findIndex((line) => heading.test(line));
}

/** The index of the line after the section starting at `start`: the next `## ` heading or the link definitions. */
function sectionEnd(lines: string[], start: number): number {
  for (let i = start + 1; i < lines.length; i++)
    if (lines[i]!.startsWith('## ') || linkDefinition.test(lines[i]!)) return i;
  return lines.length;
}

/** True for a section body with no line but headings. */
function saysNothing(body: string): boolean {
  return body.split('\n').every((line) => line.trim() === '' || line.startsWith('#'));
}

/**
 * The body of the section of `version` (its heading left out, blank lines around it trimmed): the release's notes.
 * Undefined when the changelog has no such section.
 */
export function changelogSection(text: string, version: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const start = headingIndex(lines, version);
  if (start < 0) return undefined;
  return lines
    .slice(start + 1, sectionEnd(lines, start))
    .join('\n')
    .trim();
}

/** The release notes of `version`, or the sentence saying what the changelog lacks. */
export function releaseNotes(text: string, version: string): { notes: string } | { refusal: string } {
  const notes = changelogSection(text, version);
  if (notes === undefined)
    return {
      refusal: `CHANGELOG.md has no section '## [${version}] - YYYY-MM-DD': run \`npm run release -- prepare ${version}\` to move the Unreleased entries under it.`,
    };
  // Headings alone (`### Added` with nothing under it) say nothing either.
  if (saysNothing(notes))
    return { refusal: `CHANGELOG.md's section for ${version} is empty: say what the release changes.` };
  return { notes };
}

/**
 * The changelog with the Unreleased entries moved under `## [version] - date`, an empty Unreleased section left
 * above, and the link definitions updated: Unreleased compares from the new tag, the new version compares from the
 * version before it (or names its tag, for the first release).
 */
export function prepareChangelog(
  text: string,
  version: string,
  date: string,
  repositoryUrl: string,
): { text: string } | { refusal: string } {
  const lines = text.split(/\r?\n/);
  const unreleased = headingIndex(lines, 'Unreleased');
  if (unreleased < 0) return { refusal: "CHANGELOG.md has no '## [Unreleased]' section to release." };
  if (headingIndex(lines, version) >= 0)
    return { refusal: `CHANGELOG.md already has a section for ${version}.` };
  const end = sectionEnd(lines, unreleased);
  const entries = lines
    .slice(unreleased + 1, end)
    .join('\n')
    .trim();
  if (saysNothing(entries))
    return {
      refusal: 'The Unreleased section of CHANGELOG.md is empty: say what the release changes first.',
    };
  const rest = lines.slice(end).filter((line) => !linkDefinition.test(line));
  const previous = rest.map((line) => /^## \[(\d+\.\d+\.\d+)\]/.exec(line)?.[1]).find(Boolean);
  const links = lines.filter((line) => linkDefinition.test(line) && !line.startsWith('[Unreleased]: '));
  const released = [
    ...lines.slice(0, unreleased + 1),
    '',
    `## [${version}] - ${date}`,
    '',
    entries,
    '',
    ...rest,
  ];
  const definitions = [
    `[Unreleased]: ${repositoryUrl}/compare/v${version}...HEAD`,
    previous === undefined
      ? `[${version}]: ${repositoryUrl}/releases/tag/v${version}`
      : `[${version}]: ${repositoryUrl}/compare/v${previous}...v${version}`,
    ...links,
  ];
  return { text: `${released.join('\n').trimEnd()}\n\n${definitions.join('\n')}\n` };
}
