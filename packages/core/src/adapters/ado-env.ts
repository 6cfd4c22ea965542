/**
 * The process environment as the agent started the task, captured before azure-pipelines-task-lib loads:
 * the library moves `INPUT_*` values into its vault and logs each value it hands out through `getInput`,
 * secrets included. Reading inputs from this copy keeps secret inputs out of the debug log.
 * This module must be imported before the task library.
 */
export const agentEnvironment: Readonly<Record<string, string | undefined>> = { ...process.env };

/** The environment variable the agent uses for an input name, as the task library derives it. */
export function agentInputKey(name: string): string {
  return `INPUT_${name.replace(/\./g, '_').replace(/ /g, '_').toUpperCase()}`;
}
