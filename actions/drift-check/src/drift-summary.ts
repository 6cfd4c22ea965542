import { markdownHeading, markdownTable } from '@azpn/core';
import { whatIfTable } from '@azpn/whatif';
import type { EnvironmentResult } from './environment-check.js';

const stepWords: Record<string, string> = {
  opened: 'opened',
  updated: 'updated (the drift changed)',
  unchanged: 'left alone (same drift)',
  closed: 'closed (clean again)',
  clean: '',
  failed: 'could not be written (see the error)',
};

/** The job summary: one row per environment, then each drifted environment's changes. */
export function driftSummary(results: readonly EnvironmentResult[], noun: string): string {
  const rows = results.map((r) => {
    const record =
      r.record.id === undefined
        ? ''
        : `[${noun} #${r.record.id}](${r.record.url ?? ''}) ${stepWords[r.record.step]}`;
    return [
      r.name,
      r.where,
      r.drifted ? `${r.driftCount} change(s)` : 'none',
      r.noiseCount > 0 ? String(r.noiseCount) : '',
      record.trim(),
    ];
  });
  const drifted = results.filter((r) => r.drifted);
  return (
    markdownHeading(`Drift check: ${drifted.length} of ${results.length} environment(s) drifted`) +
    markdownTable(['environment', 'scope', 'drift', 'noise set aside', noun], rows) +
    drifted
      .map(
        (r) =>
          '\n' +
          markdownHeading(`${r.name}: what a deployment would change back`, 3) +
          whatIfTable(r.changes),
      )
      .join('')
  );
}
