/** What the agent hands a task that must not reach the processes the task starts (Bicep, the Azure CLI). */
const heldBack = ['INPUT_', 'ENDPOINT_AUTH_', 'SECUREFILE_TICKET_', 'SECRET_', 'VSTS_TASKVARIABLE_'];

/**
 * The process environment as the agent started the task. Inputs, service connection credentials, secret and
 * task variables are then taken out of `process.env`, as the agent's task library does, so that a child
 * process never inherits them; the adapter reads them from this copy. Evaluated when the adapter is loaded.
 */
export const agentEnvironment: Readonly<Record<string, string | undefined>> = { ...process.env };
for (const key of Object.keys(process.env)) {
  if (heldBack.some((prefix) => key.startsWith(prefix))) delete process.env[key];
}
delete process.env['COMMAND_CORRELATION_ID'];

/** The environment variable the agent uses for an input name. */
export function agentInputKey(name: string): string {
  return `INPUT_${name.replace(/\./g, '_').replace(/ /g, '_').toUpperCase()}`;
}
