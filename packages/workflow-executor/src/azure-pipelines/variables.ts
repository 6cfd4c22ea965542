/**
 * Pipeline variables as the agent keeps them: names ignore case, secrets are flagged (masked, and kept out of a
 * script's environment), `$(name)` macros expand to a known variable and stay as written otherwise, and a
 * script sees every other variable as an environment variable (`Build.Reason` → `BUILD_REASON`).
 */
import type { Value } from '../expressions/values.js';
import type { AzurePipelineOptions } from './options.js';
import { PipelineRefusedError } from './pipeline-errors.js';

/** One variable. */
export interface Variable {
  name: string;
  value: string;
  secret: boolean;
}

/** The environment name of a variable. */
export function environmentName(name: string): string {
  return name.replace(/[.\s]/g, '_').toUpperCase();
}

/** A job's variables. */
export class VariableSet {
  private readonly entries = new Map<string, Variable>();

  set(name: string, value: string, secret = false): void {
    this.entries.set(name.toLowerCase(), { name, value, secret });
  }

  get(name: string): Variable | undefined {
    return this.entries.get(name.toLowerCase());
  }

  all(): Variable[] {
    return [...this.entries.values()];
  }

  copy(): VariableSet {
    const copy = new VariableSet();
    for (const v of this.all()) copy.set(v.name, v.value, v.secret);
    return copy;
  }

  /** Replaces each `$(name)` of a known variable with its value; unknown macros stay as written. */
  expand(text: string): string {
    return text.replace(
      /\$\(([A-Za-z0-9_.\- ]+)\)/g,
      (macro, name: string) => this.get(name)?.value ?? macro,
    );
  }

  secrets(): string[] {
    return this.all()
      .filter((v) => v.secret && v.value !== '')
      .map((v) => v.value);
  }

  /** `variables` in conditions and runtime expressions. */
  context(): Record<string, Value> {
    return Object.fromEntries(this.all().map((v) => [v.name, v.value]));
  }

  /** The non-secret variables as a script's environment. */
  environment(): Record<string, string> {
    return Object.fromEntries(
      this.all()
        .filter((v) => !v.secret)
        .map((v) => [environmentName(v.name), v.value]),
    );
  }

  /** Non-secret and secret variables by name, as action-host hands them to a task. */
  forTask(): { variables: Record<string, string>; secretVariables: Record<string, string> } {
    const variables: Record<string, string> = {};
    const secretVariables: Record<string, string> = {};
    for (const v of this.all()) (v.secret ? secretVariables : variables)[v.name] = v.value;
    return { variables, secretVariables };
  }
}

/**
 * Adds a `variables:` section (a mapping, or a list of `name`/`value` and `group` entries) to `set`; values may
 * use `$(macros)` of variables defined before them.
 */
export function addYamlVariables(
  set: VariableSet,
  setting: unknown,
  groups: AzurePipelineOptions['variableGroups'],
  where: string,
): void {
  if (setting === undefined || setting === null) return;
  const entries: { name?: string; value?: unknown; group?: string; template?: string }[] = Array.isArray(
    setting,
  )
    ? setting
    : Object.entries(setting as Record<string, unknown>).map(([name, value]) => ({ name, value }));
  for (const entry of entries) {
    if (entry.template)
      throw new PipelineRefusedError(`${where}: variable templates are not supported by the executor.`);
    if (entry.group) {
      const group = groups?.[entry.group];
      if (!group)
        throw new PipelineRefusedError(
          `${where}: variable group ${entry.group} is not given to the run: pass it in variableGroups.`,
        );
      for (const [name, value] of Object.entries(group.variables ?? {})) set.set(name, value);
      for (const [name, value] of Object.entries(group.secrets ?? {})) set.set(name, value, true);
      continue;
    }
    if (entry.name === undefined) continue;
    if (typeof entry.value === 'string' && entry.value.trim().startsWith('$[')) {
      throw new PipelineRefusedError(
        `${where}: variable ${entry.name} uses a runtime expression $[ ], which the executor does not evaluate yet.`,
      );
    }
    const value = typeof entry.value === 'string' ? set.expand(entry.value) : String(entry.value ?? '');
    set.set(entry.name, value);
  }
}
