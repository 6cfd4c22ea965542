import { input, InputError, quoteValue, type InputSpec } from '@azpn/core';
import { resourceNameProblem, type NamedResourceKind } from './resource-names.js';

/**
 * Refuses, naming the input, a value that ARM's rule for `kind` refuses: "Input resource-group is "rg.", which is
 * not a valid resource group name: use 1 to 90 letters, …". Answers the value when it is valid.
 */
export function checkResourceName(inputName: string, kind: NamedResourceKind, value: string): string {
  const problem = resourceNameProblem(kind, value);
  if (problem)
    throw new InputError(
      inputName,
      `Input ${inputName} is ${quoteValue(value)}, which is not a valid ${kind} name: ${problem}.`,
    );
  return value;
}

/** A required input holding the name of a `kind` resource, checked by ARM's rule for it. */
export function resourceNameInput(
  inputName: string,
  kind: NamedResourceKind,
  required: string,
): InputSpec<string> {
  const text = input.string(inputName, { required });
  return { name: inputName, parse: (raw) => checkResourceName(inputName, kind, text.parse(raw)) };
}

/** An optional input holding the name of a `kind` resource: `undefined` when absent. */
export function optionalResourceNameInput(
  inputName: string,
  kind: NamedResourceKind,
): InputSpec<string | undefined> {
  return {
    name: inputName,
    parse: (raw) => (raw === undefined ? undefined : checkResourceName(inputName, kind, raw)),
  };
}
