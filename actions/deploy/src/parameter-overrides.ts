import { parseYamlText, quoteValue } from '@azpn/core';

/**
 * Inline parameter values by name. A map, not an object: a name such as `__proto__` must stay a name (and be
 * refused as undeclared), never become an object's prototype and vanish.
 */
export type ParameterOverrides = Map<string, unknown>;

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
  const values: ParameterOverrides = new Map();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!namePattern.test(name)) {
      throw new OverrideSyntaxError(
        `line ${index + 1} (${quoteValue(line)}) is not name=value with a parameter name`,
      );
    }
    values.set(name, scalar(line.slice(eq + 1).trim()));
  });
  return values;
}

/**
 * Reads inline overrides written either as a YAML mapping (`name: value`, nested values allowed) or as
 * `name=value` lines. Throws {@link OverrideSyntaxError} saying what is wrong.
 */
export function parseParameterOverrides(text: string | undefined): ParameterOverrides {
  if (!text || text.trim() === '') return new Map();
  // An `=` before any `:` on the first line means name=value lines; anything else is YAML.
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '';
  if (/^[^:]*=/.test(first)) return fromLines(text);
  let value: unknown;
  try {
    value = parseYamlText(text);
  } catch (error) {
    throw new OverrideSyntaxError(`it is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OverrideSyntaxError(
      'it must be a YAML mapping of parameter names to values, or name=value lines',
    );
  }
  const values: ParameterOverrides = new Map(Object.entries(value));
  for (const name of values.keys()) {
    if (!namePattern.test(name))
      throw new OverrideSyntaxError(`${quoteValue(name)} is not a valid parameter name`);
  }
  return values;
}
