import {
  describeResource,
  driftPropertyCount,
  leafChanges,
  noiseDetails,
  whatIfTable,
  type DriftClassification,
  type ResourceChange,
} from '@azpn/whatif';
import { driftMarker, type DriftNotice } from './drift-tracker.js';

/** What a notice says of one environment's check. */
export interface DriftFacts {
  environment: string;
  /** Where it was compared: a resource group or a subscription, by its name or id. */
  scope: { kind: 'resource group' | 'subscription'; name: string };
  /** The template as the user named it (relative to the repository). */
  template: string;
  classification: DriftClassification;
  fingerprint: string;
  /** A link to the run that found it, when the platform names one. */
  runUrl?: string;
}

/** `3 properties in 2 resources`, the count a title and a comment give. */
export function driftSize(drift: readonly ResourceChange[]): string {
  const properties = drift.reduce((sum, change) => sum + driftPropertyCount(change), 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(properties, 'change')} in ${plural(drift.length, 'resource')}`;
}

function foundBy(facts: DriftFacts): string {
  return facts.runUrl ? `[this run](${facts.runUrl})` : 'a scheduled run';
}

/** The notice's title: the environment and the size of its drift. */
export function driftTitle(facts: DriftFacts): string {
  return `Drift in ${facts.environment}: ${driftSize(facts.classification.drift)}`;
}

/** The issue body (markdown): what drifted, the noise set aside, what to do; the hidden marker first. */
export function markdownNotice(facts: DriftFacts): DriftNotice {
  const { classification } = facts;
  const body =
    `<!-- ${driftMarker(facts.environment, facts.fingerprint)} -->\n` +
    `What-if of \`${facts.template}\` against ${facts.scope.kind} \`${facts.scope.name}\` found drift in environment ` +
    `**${facts.environment}** (${driftSize(classification.drift)}), found by ${foundBy(facts)}. The table shows what ` +
    `a deployment of the template would change back.\n\n` +
    whatIfTable(classification.drift) +
    (classification.noise.length === 0 ? '' : '\n' + noiseDetails(classification.noise)) +
    '\nRedeploy the template to undo the drift, or change the template to keep it. This issue is updated while ' +
    'the drift changes, and closed when the environment is clean again.\n';
  return { title: driftTitle(facts), body };
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function htmlTable(headers: string[], rows: string[][]): string {
  const cells = (tag: string, row: string[]) => row.map((c) => `<${tag}>${c}</${tag}>`).join('');
  return `<table><tr>${cells('th', headers)}</tr>${rows.map((row) => `<tr>${cells('td', row)}</tr>`).join('')}</table>`;
}

/** The work item description (HTML, as Azure Boards keeps it): the same content, the marker in its last line. */
export function htmlNotice(facts: DriftFacts): DriftNotice {
  const { classification } = facts;
  const rows = classification.drift.map((change) => {
    const { type, name } = describeResource(change.resourceId);
    const lines = leafChanges(change.delta ?? []).map((line) => `<code>${escapeHtml(line)}</code>`);
    return [change.changeType, escapeHtml(type), escapeHtml(name), lines.join('<br>')];
  });
  const noise = classification.noise.map((n) => {
    const { type, name } = describeResource(n.resourceId);
    return [escapeHtml(`${type} ${name}`), `<code>${escapeHtml(n.path)}</code>`, escapeHtml(n.source)];
  });
  const run = facts.runUrl ? `<a href="${escapeHtml(facts.runUrl)}">this run</a>` : 'a scheduled run';
  const body =
    `<p>What-if of <code>${escapeHtml(facts.template)}</code> against ${facts.scope.kind} ` +
    `<code>${escapeHtml(facts.scope.name)}</code> found drift in environment <b>${escapeHtml(facts.environment)}</b> ` +
    `(${driftSize(classification.drift)}), found by ${run}. The table shows what a deployment of the template ` +
    `would change back.</p>` +
    htmlTable(['change', 'type', 'name', 'properties'], rows) +
    (noise.length === 0
      ? ''
      : `<p>${noise.length} change(s) set aside as what-if noise:</p>` +
        htmlTable(['resource', 'property', 'why it is noise'], noise)) +
    '<p>Redeploy the template to undo the drift, or change the template to keep it. This work item is updated ' +
    'while the drift changes, and closed when the environment is clean again.</p>' +
    `<p><small>${driftMarker(facts.environment, facts.fingerprint)}</small></p>`;
  return { title: driftTitle(facts), body };
}

/** The comment on a record whose drift changed (plain text with the link: it reads the same on both platforms). */
export function changedComment(facts: DriftFacts): string {
  return `The drift in ${facts.environment} changed: ${driftSize(facts.classification.drift)} now${facts.runUrl ? `, found by ${facts.runUrl}` : ''}. The description shows the current drift.`;
}

/** The comment on a record closed because its environment is clean again. */
export function cleanComment(environment: string, runUrl?: string): string {
  return `What-if finds no drift in ${environment} any more${runUrl ? ` (${runUrl})` : ''}: closing.`;
}

/** The notice in the format its tracker keeps. */
export function noticeFor(format: 'markdown' | 'html', facts: DriftFacts): DriftNotice {
  return format === 'html' ? htmlNotice(facts) : markdownNotice(facts);
}
