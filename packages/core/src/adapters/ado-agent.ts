import { EOL } from 'node:os';

/**
 * The Azure DevOps agent's text protocol, as its documentation describes it: logging commands on stdout
 * (`##vso[area.action key=value;…]message`) and variables in the environment (`Build.SourcesDirectory` as
 * `BUILD_SOURCESDIRECTORY`, a secret one as `SECRET_<NAME>`, a task variable as `VSTS_TASKVARIABLE_<NAME>`, a
 * service connection as `ENDPOINT_URL_<id>`, `ENDPOINT_AUTH_<id>` and `ENDPOINT_DATA_<id>_<KEY>`). Written here
 * rather than taken from azure-pipelines-task-lib, whose set-up (a vault, localised strings, `q`, semver) cost
 * every task's start about 15 ms and 180 kB of bundle for these few lines.
 */

/** The environment as the agent started the task (before the secrets it holds were taken out of process.env). */
export type AgentEnvironment = Readonly<Record<string, string | undefined>>;

/** A command's message: `%`, CR and LF are escaped so that the message stays on one line. */
function escapeMessage(text: string): string {
  return text.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command property's value: as a message, and `]` and `;`, which end the properties. */
function escapeProperty(text: string): string {
  return escapeMessage(text).replace(/]/g, '%5D').replace(/;/g, '%3B');
}

/** The line of the logging command `name` with `properties` (those without a value left out) and `message`. */
export function loggingCommand(
  name: string,
  message: string,
  properties: Record<string, string | undefined> = {},
): string {
  const pairs = Object.entries(properties).flatMap(([key, value]) =>
    value ? [`${key}=${escapeProperty(value)};`] : [],
  );
  return `##vso[${name}${pairs.length > 0 ? ` ${pairs.join('')}` : ''}]${escapeMessage(message)}`;
}

/** The environment variable the agent uses for a variable or input name: dots and spaces as underscores. */
export function variableKey(name: string): string {
  return name.replace(/\./g, '_').replace(/ /g, '_').toUpperCase();
}

/** A pipeline variable, public or secret; undefined when unset or empty. */
export function agentVariable(env: AgentEnvironment, name: string): string | undefined {
  const key = variableKey(name);
  return env[key] || env[`SECRET_${key}`] || undefined;
}

/** Where the agent's commands go, and the environment the task was started with. */
export interface AgentChannel {
  env: AgentEnvironment;
  write(line: string): void;
}

/** The standard channel: the agent's environment snapshot and this process's stdout. */
export function processChannel(env: AgentEnvironment): AgentChannel {
  return { env, write: (line) => void process.stdout.write(line + EOL) };
}
