import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

/**
 * The GitHub runner's text protocol, as its documentation describes it: workflow commands on stdout
 * (`::name key=value::message`) and environment files (`GITHUB_OUTPUT`, `GITHUB_STATE`) holding
 * `name<<delimiter` blocks. Written here rather than taken from `@actions/core`, whose entry module also loads
 * an HTTP client (undici, about a third of a small bundle) that only the ID token request needs.
 */

/** A command's message: `%`, CR and LF are escaped so that the message stays on one line. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command property's value: as a message, and `:` and `,`, which delimit properties. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The line of the workflow command `name` with `properties` and `message`. */
export function workflowCommand(
  name: string,
  message: string,
  properties: Record<string, string> = {},
): string {
  const pairs = Object.entries(properties).map(([key, value]) => `${key}=${escapeProperty(value)}`);
  return `::${name}${pairs.length > 0 ? ` ${pairs.join(',')}` : ''}::${escapeData(message)}`;
}

/**
 * One `name<<delimiter` block of an environment file, with a delimiter that cannot occur in the value. The
 * runner would read a name or value that held the delimiter as the end of the block, so that is refused.
 */
export function environmentFileEntry(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`The value of ${name} contains the delimiter ${delimiter}: choose another value.`);
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

/** Where the runner's commands go: stdout for workflow commands, the files the runner names for the rest. */
export interface RunnerChannel {
  env: NodeJS.ProcessEnv;
  write(line: string): void;
}

/** The standard channel: this process's environment and stdout. */
export function processChannel(env: NodeJS.ProcessEnv): RunnerChannel {
  return { env, write: (line) => void process.stdout.write(line + EOL) };
}

/**
 * Sets an output (`GITHUB_OUTPUT`) or saves state for the post step (`GITHUB_STATE`): appended to the runner's
 * file, or, on a runner too old to name one, sent as the `set-output` or `save-state` command.
 */
export function sendKeyValue(
  channel: RunnerChannel,
  file: 'GITHUB_OUTPUT' | 'GITHUB_STATE',
  name: string,
  value: string,
): void {
  const path = channel.env[file];
  if (path) {
    appendFileSync(path, environmentFileEntry(name, value), 'utf8');
    return;
  }
  channel.write('');
  channel.write(workflowCommand(file === 'GITHUB_OUTPUT' ? 'set-output' : 'save-state', value, { name }));
}
