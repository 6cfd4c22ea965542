import { quoteValue } from './quote.js';

/** A sentence fragment without its closing full stop, so that it can end a sentence of ours. */
const unstopped = (text: string) => text.replace(/[.\s]+$/, '');

/**
 * Every sentence the core shows a user, as functions, so the Azure DevOps side can localise them and
 * tests can name them. Each says what is wrong with which input and what to do. Values are quoted through
 * {@link quoteValue}: one line, and cut when huge.
 */
export const messages = {
  inputRequired: (input: string, purpose: string) =>
    `Input required and not supplied: ${input}. Set it to ${purpose}.`,
  inputNotBoolean: (input: string, value: string) =>
    `Input ${input} is ${quoteValue(value)}, which is not a boolean: use true or false.`,
  inputNotInteger: (input: string, value: string) =>
    `Input ${input} is ${quoteValue(value)}, which is not a whole number: give digits only, such as 3.`,
  inputOutOfRange: (input: string, value: number, min: number, max: number) =>
    `Input ${input} is ${value}, outside the allowed range: use a number from ${min} to ${max}.`,
  inputNotAllowed: (input: string, value: string, allowed: readonly string[]) =>
    `Input ${input} is ${quoteValue(value)}, which is not one of the allowed values: use ${allowed.map((a) => `"${a}"`).join(', ')}.`,
  inputPatternMismatch: (input: string, value: string, rule: string) =>
    `Input ${input} is ${quoteValue(value)}, which is not valid: ${unstopped(rule)}.`,
  inputNotYaml: (input: string, detail: string) =>
    `Input ${input} is not valid YAML (${unstopped(detail)}): fix the syntax, or quote the value.`,
  inputNotJson: (input: string, detail: string) =>
    `Input ${input} is not valid JSON (${unstopped(detail)}): pass the value exactly as the step that produced it wrote it.`,
  inputYamlShape: (input: string, expected: string) => `Input ${input} must be ${expected}: fix its YAML.`,
  inputSchema: (input: string, where: string, problem: string) =>
    `Input ${input} ${where ? `has ${where}, which ` : ''}${unstopped(problem)}: fix ${where ? 'that value' : 'it'}.`,
  inputMutuallyExclusive: (a: string, b: string) =>
    `Inputs ${a} and ${b} cannot both be set: keep only the one you mean.`,
  inputFileOutsideWorkspace: (input: string, value: string) =>
    `Input ${input} is ${quoteValue(value)}, which leads outside the workspace (the repository checkout): give a path inside it, relative to the repository root.`,
  inputFileKind: (input: string, value: string, kind: string) =>
    `Input ${input} is ${quoteValue(value)}, which is not ${kind}: name ${kind}.`,
  inputFileMissing: (input: string, value: string) =>
    `Input ${input} names ${quoteValue(value)}, which does not exist: check the path from the repository root.`,
  unexpectedFailure: (detail: string) =>
    `The step failed unexpectedly (${unstopped([...(detail.split(/\r?\n/)[0] ?? '')].slice(0, 300).join('')) || 'no message'}): re-run with debug logging on and report it.`,
} as const;
