/** One `##vso[area.action key=value;…]message` logging command of a task's stdout. */
export interface LoggingCommand {
  /** `task.setvariable`, `task.complete`, … */
  command: string;
  properties: Record<string, string>;
  message: string;
}

// The agent's escaping: `%AZP25` for `%`, `%0D`/`%0A` for line breaks, and in properties `%3B`/`%5D`.
function unescapeMessage(value: string): string {
  return value
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%AZP25/g, '%');
}

function unescapeProperty(value: string): string {
  return value
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%5D/g, ']')
    .replace(/%3B/g, ';')
    .replace(/%AZP25/g, '%');
}

/** Parses the logging commands in a task's stdout. */
export function parseLoggingCommands(stdout: string): LoggingCommand[] {
  const commands: LoggingCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const start = line.indexOf('##vso[');
    if (start < 0) continue;
    const close = line.indexOf(']', start);
    if (close < 0) continue;
    const head = line.slice(start + 6, close);
    const space = head.indexOf(' ');
    const command = space < 0 ? head : head.slice(0, space);
    const properties: Record<string, string> = {};
    for (const pair of (space < 0 ? '' : head.slice(space + 1)).split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({ command, properties, message: unescapeMessage(line.slice(close + 1)) });
  }
  return commands;
}
