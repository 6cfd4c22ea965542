import { InputError } from './errors.js';
import { messages } from './messages.js';
import type { InputReader } from './ports.js';

/**
 * One input's parser: the input's manifest name and how its raw text becomes a typed value.
 * Parsers are composed into a config with {@link parseInputs}, which reads every input once.
 */
export interface InputSpec<T> {
  readonly name: string;
  parse(raw: string | undefined): T;
}

type Required<T> = { required: string } | { default: T };

/** An {@link InputSpec} from its name and parser. */
export function spec<T>(name: string, parse: (raw: string | undefined) => T): InputSpec<T> {
  return { name, parse };
}

function requireValue(name: string, raw: string | undefined, purpose: string): string {
  if (raw === undefined) throw new InputError(name, messages.inputRequired(name, purpose));
  return raw;
}

/** GitHub's and YAML 1.2's boolean spellings. */
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);

/** Builders for the input kinds actions use. `required` is the purpose sentence shown when it is missing. */
export const input = {
  /** Free text, optionally checked against a pattern described by `rule`. */
  string(name: string, options: { required: string; pattern?: RegExp; rule?: string }): InputSpec<string> {
    return spec(name, (raw) => {
      const value = requireValue(name, raw, options.required);
      if (options.pattern && !options.pattern.test(value)) {
        throw new InputError(
          name,
          messages.inputPatternMismatch(name, value, options.rule ?? `match ${options.pattern}`),
        );
      }
      return value;
    });
  },

  /** Optional free text: `undefined` when absent. */
  optionalString(
    name: string,
    options: { pattern?: RegExp; rule?: string } = {},
  ): InputSpec<string | undefined> {
    return spec(name, (raw) => {
      if (raw === undefined) return undefined;
      if (options.pattern && !options.pattern.test(raw)) {
        throw new InputError(
          name,
          messages.inputPatternMismatch(name, raw, options.rule ?? `match ${options.pattern}`),
        );
      }
      return raw;
    });
  },

  boolean(name: string, options: Required<boolean>): InputSpec<boolean> {
    return spec(name, (raw) => {
      if (raw === undefined && 'default' in options) return options.default;
      const value = requireValue(name, raw, 'required' in options ? options.required : 'true or false');
      if (TRUE.has(value)) return true;
      if (FALSE.has(value)) return false;
      throw new InputError(name, messages.inputNotBoolean(name, value));
    });
  },

  integer(name: string, options: Required<number> & { min?: number; max?: number }): InputSpec<number> {
    const min = options.min ?? Number.MIN_SAFE_INTEGER;
    const max = options.max ?? Number.MAX_SAFE_INTEGER;
    return spec(name, (raw) => {
      if (raw === undefined && 'default' in options) return options.default;
      const text = requireValue(name, raw, 'required' in options ? options.required : 'a whole number');
      if (!/^-?\d+$/.test(text)) throw new InputError(name, messages.inputNotInteger(name, text));
      const value = Number(text);
      if (value < min || value > max)
        throw new InputError(name, messages.inputOutOfRange(name, value, min, max));
      return value;
    });
  },

  /** One of a fixed set of values; the type is the union of them. */
  choice<const C extends readonly string[]>(
    name: string,
    allowed: C,
    options: Required<C[number]>,
  ): InputSpec<C[number]> {
    return spec(name, (raw) => {
      if (raw === undefined && 'default' in options) return options.default;
      const value = requireValue(name, raw, 'required' in options ? options.required : allowed.join(' or '));
      if (!allowed.includes(value))
        throw new InputError(name, messages.inputNotAllowed(name, value, allowed));
      return value as C[number];
    });
  },

  /** Several values, one a line (blank lines and `#` comments skipped). */
  lines(name: string): InputSpec<string[]> {
    return spec(name, (raw) =>
      (raw ?? '')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#')),
    );
  },
};

/** The typed config a set of specs describes. */
export type ConfigOf<S extends Record<string, InputSpec<unknown>>> = {
  [K in keyof S]: ReturnType<S[K]['parse']>;
};

/**
 * Reads every input once and returns the typed config; the first bad input throws an {@link InputError}
 * naming it, before the action does anything else.
 */
export function parseInputs<S extends Record<string, InputSpec<unknown>>>(
  reader: InputReader,
  specs: S,
): ConfigOf<S> {
  const config: Record<string, unknown> = {};
  for (const [key, inputSpec] of Object.entries(specs))
    config[key] = inputSpec.parse(reader.read(inputSpec.name));
  return config as ConfigOf<S>;
}
