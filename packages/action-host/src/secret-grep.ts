import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A form of a secret found where it must not be. */
export interface SecretLeak {
  /** Which secret (its index in the list given). */
  secret: number;
  /** How it was written: `raw`, `json`, `url`, `line 2`, … */
  form: string;
  /** `stdout`, `stderr`, a file relative to the work folder, or the name of an extra text (a PR comment). */
  where: string;
  /** The text around it, with the secret itself starred, for the failure message. */
  excerpt: string;
}

/** What one step or task run wrote, as the action host reads it back. */
export interface RunWrites {
  stdout: string;
  stderr: string;
  /** The run's scratch folder: the runner's files, summaries, temporary files. */
  workDir: string;
}

/** Lines shorter than this are not looked for alone: `{` is in every log. */
const shortestLine = 4;

function escapeNonAscii(text: string, upper: boolean): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => {
    const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${upper ? hex.toUpperCase() : hex}`;
  });
}

/**
 * The forms a secret can be printed in, written here independently of the code under test: raw; JSON-escaped
 * (with and without `\uXXXX`); URL-encoded (component, URI, form); base64; HTML-escaped; as the runner's
 * workflow commands and the agent's logging commands escape it; and each line of a multi-line value.
 */
export function printedForms(secret: string): Map<string, string> {
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = new Map<string, string>([
    ['raw', secret],
    ['json', json],
    ['json-ascii', escapeNonAscii(json, false)],
    ['json-ascii-upper', escapeNonAscii(json, true)],
    ['url', encodeURIComponent(secret)],
    ['uri', encodeURI(secret)],
    ['form', encodeURIComponent(secret).replace(/%20/g, '+')],
    ['base64', Buffer.from(secret).toString('base64')],
    [
      'html',
      secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
    ],
    ['workflow-command', secret.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')],
    ['logging-command', secret.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')],
  ]);
  const lines = secret.split(/\r?\n/);
  if (lines.length > 1)
    lines.forEach((line, i) => {
      if (line.trim().length >= shortestLine) {
        forms.set(`line ${i + 1}`, line);
        forms.set(`line ${i + 1} json`, JSON.stringify(line).slice(1, -1));
      }
    });
  for (const [name, form] of forms) if (form === '') forms.delete(name);
  return forms;
}

/** Every file under `dir`, relative path and text. */
function filesUnder(dir: string): [string, string][] {
  const found: [string, string][] = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, entry);
    if (statSync(path).isFile()) found.push([relative(dir, path), readFileSync(path, 'utf8')]);
  }
  return found;
}

/**
 * stdout without the commands whose job is to carry a secret to the platform: `::add-mask::`, the agent's
 * `task.setsecret`, and `task.setvariable` with `issecret=true`. Everything else is what a log page shows.
 */
function withoutRegistrations(stdout: string): string {
  return stdout
    .split('\n')
    .filter(
      (line) =>
        !line.startsWith('::add-mask::') &&
        !line.includes('##vso[task.setsecret]') &&
        !(
          line.includes('##vso[task.setvariable ') && /issecret=true/i.test(line.slice(0, line.indexOf(']')))
        ),
    )
    .join('\n');
}

function excerptAround(text: string, at: number, form: string): string {
  return `${text.slice(Math.max(0, at - 40), at)}[…secret…]${text.slice(at + form.length, at + form.length + 40)}`;
}

/**
 * Greps every byte a run wrote (stdout outside secret registrations, stderr, every file in its work folder: the
 * runner's files, summaries, temporary files) and any `extra` texts (PR comments, issues) for every printed form
 * of every secret. `secretOutputs` are values the run published as secret outputs on purpose: they may stand in
 * the runner's output file, nowhere else. Answers the leaks; a test expects none.
 */
export function secretLeaks(
  run: RunWrites,
  secrets: readonly string[],
  options: { secretOutputs?: readonly string[]; extra?: Record<string, string> } = {},
): SecretLeak[] {
  const places: [string, string][] = [
    ['stdout', withoutRegistrations(run.stdout)],
    ['stderr', run.stderr],
    ...filesUnder(run.workDir).map(([path, text]): [string, string] => [
      path,
      /-output$/.test(path)
        ? (options.secretOutputs ?? []).reduce((t, v) => t.split(v).join(''), text)
        : text,
    ]),
    ...Object.entries(options.extra ?? {}),
  ];
  const leaks: SecretLeak[] = [];
  secrets.forEach((secret, index) => {
    for (const [form, text] of printedForms(secret))
      for (const [where, content] of places) {
        const at = content.indexOf(text);
        if (at >= 0) leaks.push({ secret: index, form, where, excerpt: excerptAround(content, at, text) });
      }
  });
  return leaks;
}
