import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from './errors.js';
import { messages } from './messages.js';

/** True when `path` is `root` or lies under it (both already absolute and free of symbolic links). */
function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** `path` with every symbolic link of its longest existing prefix resolved, the missing rest appended. */
function realPathOf(path: string): string {
  let existing = path;
  const missing: string[] = [];
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    if (parent === existing) break;
    missing.unshift(existing.slice(parent.length).replace(/^[\\/]/, ''));
    existing = parent;
  }
  return resolve(realpathSync(existing), ...missing);
}

/** What a file input must be, for {@link resolveWorkspaceFile}. */
export interface WorkspaceFileRule {
  /** File names it accepts, such as `/\.(bicep|json)$/i`. */
  pattern: RegExp;
  /** What those are, for the sentence: "a .bicep, .bicepparam or .json file". */
  kind: string;
}

/**
 * Resolves a file input against the workspace (the repository checkout: `GITHUB_WORKSPACE`, or
 * `BUILD_SOURCESDIRECTORY` on Azure DevOps) and refuses, naming the input, a path that leads outside it, by
 * `..`, by an absolute path or through a symbolic link, before anything reads the file: a template input must
 * never send a runner's credentials file to Azure. Then the file must exist and be of the kind `rule` names.
 * Answers the file's real absolute path.
 */
export function resolveWorkspaceFile(
  workspace: string,
  input: string,
  value: string,
  rule: WorkspaceFileRule,
): string {
  if (value.includes('\0')) throw new InputError(input, messages.inputFileOutsideWorkspace(input, value));
  const root = realPathOf(resolve(workspace));
  const given = resolve(root, value);
  const real = realPathOf(given);
  if (!isWithin(root, given) || !isWithin(root, real))
    throw new InputError(input, messages.inputFileOutsideWorkspace(input, value));
  if (!rule.pattern.test(real)) throw new InputError(input, messages.inputFileKind(input, value, rule.kind));
  if (!existsSync(real) || !statSync(real).isFile())
    throw new InputError(input, messages.inputFileMissing(input, value));
  return real;
}
