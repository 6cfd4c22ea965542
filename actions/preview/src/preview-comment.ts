/**
 * The preview's pull request comment: the status, the environment and its expiry, a link to the run, and once
 * deployed the what-if table and the outputs that are not secret. The caller redacts it before posting.
 */
import { markdownTable } from '@azpn/core';
import { changeCounts, whatIfTable, type ResourceChange } from '@azpn/whatif';
import type { PreviewHome } from './config.js';

/** The longest comment body written: GitHub refuses more than 65,536 characters. */
export const commentLimit = 60_000;

/** What every status of the comment says. */
export interface CommentFacts {
  environmentName: string;
  /** Where the preview lives, as a sentence names it: `resource group x` or `deployment stack x`. */
  home: PreviewHome;
  head?: string;
  runUrl?: string;
  expiresAt?: Date;
}

/** A published output as the comment shows it. */
export interface ShownOutput {
  name: string;
  value: string;
  secret: boolean;
}

/** The comment's facts of a pull request's preview: its environment, head commit and the run's page. */
export function targetFacts(
  target: { environmentName: string; home: PreviewHome; pullRequest: { headSha?: string } },
  runUrl: string | undefined,
  expiresAt?: Date,
): CommentFacts {
  return {
    environmentName: target.environmentName,
    home: target.home,
    ...(target.pullRequest.headSha ? { head: target.pullRequest.headSha } : {}),
    ...(runUrl ? { runUrl } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  };
}

function heading(facts: CommentFacts, status: string): string {
  const parts = [
    `${facts.home.kind} \`${facts.home.name}\``,
    ...(facts.head ? [`head \`${facts.head.slice(0, 7)}\``] : []),
    ...(facts.expiresAt ? [`expires ${facts.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}`] : []),
    ...(facts.runUrl ? [`[run](${facts.runUrl})`] : []),
  ];
  return `### Preview \`${facts.environmentName}\`: ${status}\n\n${parts.join(' · ')}\n`;
}

/** The comment while the preview deploys. */
export function deployingComment(facts: CommentFacts): string {
  return heading(facts, 'deploying');
}

/** The what-if section, left out (and said so) when it would make the comment too long. */
function changesSection(changes: readonly ResourceChange[], room: number): string {
  const table = `\n**What-if:** ${changeCounts(changes)}.\n\n${whatIfTable(changes)}`;
  if (table.length <= room) return table;
  return `\n**What-if:** ${changeCounts(changes)}. The table of ${changes.length} changes is too long for a comment: see the run's summary.\n`;
}

/** The comment once deployed: the changes and the outputs that are not secret. */
export function deployedComment(
  facts: CommentFacts,
  changes: readonly ResourceChange[],
  outputs: readonly ShownOutput[],
): string {
  const shown = outputs.filter((o) => !o.secret);
  const table =
    shown.length === 0
      ? ''
      : `\n**Outputs**\n\n${markdownTable(
          ['output', 'value'],
          shown.map((o) => [o.name, o.value.replaceAll('\n', ' ')]),
        )}`;
  const head = heading(facts, 'deployed');
  return head + changesSection(changes, commentLimit - head.length - table.length) + table;
}

/** The comment when the deploy failed: the sentence that says what to do. */
export function failedComment(facts: CommentFacts, message: string): string {
  return `${heading(facts, 'deploy failed')}\n${message.slice(0, 4000)}\n`;
}

/** The comment once the pull request closed and the preview was torn down (or there was none). */
export function destroyedComment(facts: CommentFacts, deleted: boolean): string {
  const said = deleted
    ? `The ${facts.home.kind} \`${facts.home.name}\` was deleted${facts.home.kind === 'deployment stack' ? ' with the resources and groups it managed' : ''}.`
    : `There was no ${facts.home.kind} \`${facts.home.name}\` to delete.`;
  return `${heading({ ...facts, expiresAt: undefined }, 'torn down')}\n${said}\n`;
}
