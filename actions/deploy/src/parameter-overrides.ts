import { parse } from 'yaml';

/** Inline parameter values by name, each as ARM will receive it (`{ value }`). */
export type ParameterOverrides = Record<string, unknown>;

/** Why overrides could not be read: the sentence names the line or the shape at fault. */
export class OverrideSyntaxError extends Error {}

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

function scalar(text: string): unknown {
  // `name=value` lines take JSON where it parses (numbers, booleans, arrays, objects), else the text itself.
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function fromLines(text: string): ParameterOverrides {
  const values: ParameterOverrides = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!namePattern.test(name)) {
      throw new OverrideSyntaxError(`line ${index + 1} ("${line}") is not name=value with a parameter name`);
    }
    values[name] = scalar(line.slice(eq + 1).trim());
  });
  return values;
}

/**
 * Reads inline overrides written either as a YAML mapping (`name: value`, nested values allowed) or as
 * `name=value` lines. Throws {@link OverrideSyntaxError} saying what is wrong.
 */
export function parseParameterOverrides(text: string | undefined): ParameterOverrides {
  if (!text || text.trim() === '') return {};
  // An `=` before any `:` on the first line means name=value lines; anything else is YAML.
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '';
  if (/^[^:]*=/.test(first)) return fromLines(text);
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new OverrideSyntaxError(`it is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OverrideSyntaxError(
      'it must be a YAML mapping of parameter names to values, or name=value lines',
    );
  }
  for (const name of Object.keys(value)) {
    if (!namePattern.test(name)) throw new OverrideSyntaxError(`"${name}" is not a valid parameter name`);
  }
  return value as ParameterOverrides;
}
