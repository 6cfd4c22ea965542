/**
 * Lints an example workflow the way actionlint lints `.github/workflows/*.yml` in a repository. actionlint reads
 * local actions (`uses: ./actions/x`) relative to the project root, which it recognises by `.github/workflows`
 * and `.git`. The examples live in `workflows-examples/` (the repository must not run them itself), so each lint
 * lays out a project in a temporary folder: the example in `.github/workflows/`, `actions/` linked to the
 * repository's own actions, and a config that waives only the `node24` runner, which actionlint 1.7.7 predates.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runActionlint, type LintFinding } from './actionlint-wasm.js';

const config = [
  '# actionlint 1.7.7 knows node20 but not node24, which GitHub runs; every other finding stands.',
  'paths:',
  "  '**/*':",
  '    ignore:',
  `      - 'invalid runner name "node24" at runs\\.using'`,
  '',
].join('\n');

/** A finding, with the file and line, as actionlint prints it. */
export interface WorkflowLintFinding extends LintFinding {
  file: string;
  /** `file:line:col: message [kind]`. */
  text: string;
}

/**
 * Lints the workflow file `file` as part of a repository whose `actions/` folder is `repositoryRoot/actions`.
 * Answers actionlint's findings (none when the workflow is clean).
 */
export async function lintWorkflow(
  file: string,
  repositoryRoot: string,
  source?: string,
): Promise<WorkflowLintFinding[]> {
  const project = mkdtempSync(join(tmpdir(), 'azpn-actionlint-'));
  try {
    mkdirSync(join(project, '.github', 'workflows'), { recursive: true });
    mkdirSync(join(project, '.git'));
    writeFileSync(join(project, '.github', 'actionlint.yaml'), config);
    symlinkSync(join(repositoryRoot, 'actions'), join(project, 'actions'));
    const path = join(project, '.github', 'workflows', basename(file));
    const text = source ?? readFileSync(file, 'utf8');
    writeFileSync(path, text);
    const findings = await runActionlint(text, path);
    return findings.map((f) => ({
      ...f,
      file,
      text: `${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`,
    }));
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}
