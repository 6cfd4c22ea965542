import { readFileSync } from 'node:fs';
import { ArmTemplateError } from './errors.js';
import { expandTemplate, toSnapshot } from './expand.js';
import { readParameterValues } from './parameters.js';
import type { ArmValue } from './values.js';

const USAGE = `Usage: arm-template expand TEMPLATE.json [--parameters FILE]... [--param NAME=VALUE]...
  --tenant-id ID --subscription-id ID [--resource-group NAME] --location LOCATION [--deployment-name NAME]
  (without --resource-group the deployment is at subscription scope, and --location is its location)`;

const CONTEXT_FLAGS: Record<string, string> = {
  '--tenant-id': 'tenantId',
  '--subscription-id': 'subscriptionId',
  '--resource-group': 'resourceGroup',
  '--location': 'location',
  '--deployment-name': 'deploymentName',
};

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`The ${what} ${path} is not valid JSON${whereInvalid(error)}: fix it and run again.`, {
      cause: error,
    });
  }
}

/**
 * Where JSON.parse stopped, without the excerpt of the text it may quote: a parameters file holds secure values.
 */
function whereInvalid(error: unknown): string {
  const message = (error as Error).message;
  const line = /line (\d+) column (\d+)/.exec(message);
  if (line) return ` (line ${line[1]}, column ${line[2]})`;
  const position = /at position (\d+)/.exec(message);
  return position ? ` (at character ${position[1]})` : '';
}

/** An inline `--param` value: JSON when it parses as JSON, otherwise the text itself. */
function inlineValue(text: string): ArmValue {
  try {
    return JSON.parse(text) as ArmValue;
  } catch {
    return text;
  }
}

function parseArguments(args: string[]) {
  const [command, templatePath, ...rest] = args;
  if (command !== 'expand' || !templatePath) throw new Error(USAGE);
  const parameters: Record<string, ArmValue> = {};
  const context: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i] as string;
    const value = rest[i + 1];
    if (value === undefined) throw new Error(`The option ${flag} needs a value.\n${USAGE}`);
    if (flag === '--parameters')
      Object.assign(parameters, readParameterValues(readJson(value, 'parameters file'), value));
    else if (flag === '--param') {
      const at = value.indexOf('=');
      if (at <= 0) throw new Error(`The option --param needs NAME=VALUE, not '${value}'.`);
      parameters[value.slice(0, at)] = inlineValue(value.slice(at + 1));
    } else if (CONTEXT_FLAGS[flag]) context[CONTEXT_FLAGS[flag]] = value;
    else throw new Error(`Unknown option ${flag}.\n${USAGE}`);
  }
  for (const [flag, key] of Object.entries(CONTEXT_FLAGS)) {
    if (key !== 'deploymentName' && key !== 'resourceGroup' && !context[key])
      throw new Error(`The option ${flag} is required.\n${USAGE}`);
  }
  return { templatePath, parameters, context };
}

function main(): number {
  try {
    const { templatePath, parameters, context } = parseArguments(process.argv.slice(2));
    const template = readJson(templatePath, 'template') as Parameters<typeof expandTemplate>[0];
    // The CLI prints what `bicep snapshot` would: it predicts state from declarations the same way, and keeps
    // secure parameters as the expressions that read them.
    const expansion = expandTemplate(template, {
      parameters,
      predictDeclaredState: true,
      secureParametersAsExpressions: true,
      context: context as unknown as Parameters<typeof expandTemplate>[1]['context'],
    });
    process.stdout.write(`${JSON.stringify(toSnapshot(expansion), null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ArmTemplateError) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = main();
