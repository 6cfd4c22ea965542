import { InputError } from './errors.js';
import { spec, type InputSpec } from './inputs.js';
import { messages } from './messages.js';
import { parseYamlText } from './yaml-text.js';

/** What a YAML shape check returns: the typed value, or what was expected instead. */
export type ShapeResult<T> = { ok: true; value: T } | { ok: false; expected: string };

/** Parses YAML text, naming the input when it is not YAML. */
export function parseYamlInput(name: string, raw: string): unknown {
  try {
    return parseYamlText(raw);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError(name, messages.inputNotYaml(name, detail || 'unreadable'));
  }
}

/**
 * A YAML document checked by `shape`, which returns the typed value or a description of what was expected
 * (shown as "Input X must be <expected>"). Apart from {@link input}, so that only the actions that read YAML
 * bundle the YAML parser.
 */
export function yamlInput<T>(
  name: string,
  shape: (value: unknown) => ShapeResult<T>,
  fallback: T,
): InputSpec<T> {
  return spec(name, (raw) => {
    if (raw === undefined) return fallback;
    const checked = shape(parseYamlInput(name, raw));
    if (!checked.ok) throw new InputError(name, messages.inputYamlShape(name, checked.expected));
    return checked.value;
  });
}
