/**
 * Every sentence the core shows a user, as functions, so the Azure DevOps side can localise them and
 * tests can name them. Each says what is wrong with which input and what to do.
 */
export const messages = {
  inputRequired: (input: string, purpose: string) =>
    `Input required and not supplied: ${input}. Set it to ${purpose}.`,
  inputNotBoolean: (input: string, value: string) =>
    `Input ${input} is "${value}", which is not a boolean: use true or false.`,
  inputNotInteger: (input: string, value: string) =>
    `Input ${input} is "${value}", which is not a whole number: give digits only, such as 3.`,
  inputOutOfRange: (input: string, value: number, min: number, max: number) =>
    `Input ${input} is ${value}, outside the allowed range: use a number from ${min} to ${max}.`,
  inputNotAllowed: (input: string, value: string, allowed: readonly string[]) =>
    `Input ${input} is "${value}", which is not one of the allowed values: use ${allowed.map((a) => `"${a}"`).join(', ')}.`,
  inputPatternMismatch: (input: string, value: string, rule: string) =>
    `Input ${input} is "${value}", which is not valid: ${rule}.`,
  inputNotYaml: (input: string, detail: string) =>
    `Input ${input} is not valid YAML (${detail}): fix the syntax, or quote the value.`,
  inputYamlShape: (input: string, expected: string) => `Input ${input} must be ${expected}: fix its YAML.`,
  inputMutuallyExclusive: (a: string, b: string) =>
    `Inputs ${a} and ${b} cannot both be set: keep only the one you mean.`,
  unexpectedFailure: (detail: string) =>
    `The step failed unexpectedly: ${detail}. Re-run with debug logging on and report it.`,
} as const;
