import { ArmTemplateError } from './errors.js';
import { evaluateTemplateValue } from './evaluator.js';
import type { Scope } from './scope.js';
import type { ResourceDefinition } from './template.js';
import { type ArmValue, armTypeOf, RuntimeValue } from './values.js';

type Copy = NonNullable<ResourceDefinition['copy']>;

const LOOPS_HELP = 'Please see https://aka.ms/arm-resource-loops for usage details.';

/** A copy setting's value (both may be expressions), or undefined when the template leaves it out or writes null. */
function setting(copy: Copy, key: 'mode' | 'batchSize', scope: Scope, path: string): ArmValue | undefined {
  if (copy[key] === undefined || copy[key] === null) return undefined;
  const value = evaluateTemplateValue(copy[key], scope, `${path}.copy.${key}`);
  if (value instanceof RuntimeValue) {
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The copy ${key} must be known at the start of the deployment, not [${value.expression}].`,
      `${path}.copy.${key}`,
    );
  }
  return value;
}

/** Whether the loop is serial. ARM reads the mode as its enum does: either name in any case, spaces around it allowed. */
function isSerial(mode: ArmValue | undefined, resource: string, at: string): boolean {
  if (mode === undefined || mode === null) return false;
  if (typeof mode === 'number' || (typeof mode === 'string' && /^\s*[+-]?\d+\s*$/.test(mode))) {
    // ARM's enum parser takes numbers too, with no documented meaning: the engine does not guess one.
    throw new ArmTemplateError(
      'InvalidTemplate',
      `${resource} gives its copy mode as the number ${String(mode).trim()}, which this engine does not read; write 'Parallel' or 'Serial'.`,
      at,
    );
  }
  const named = typeof mode === 'string' ? /^\s*(parallel|serial)\s*$/i.exec(mode)?.[1] : undefined;
  if (named === undefined) {
    throw new ArmTemplateError(
      'InvalidTemplate',
      `${resource} has an invalid copy mode '${typeof mode === 'string' ? mode : JSON.stringify(mode)}'. The supported values are 'Parallel,Serial'. ${LOOPS_HELP}`,
      at,
    );
  }
  return named.toLowerCase() === 'serial';
}

/** The batch size of a serial loop (1 when left out), checked in ARM's order and words. */
function batchSizeOf(batch: ArmValue | undefined, serial: boolean, resource: string, at: string): number {
  if (batch === undefined) return 1;
  if (typeof batch !== 'number' || !Number.isInteger(batch)) {
    const text = typeof batch === 'string' ? batch : JSON.stringify(batch);
    throw new ArmTemplateError(
      'InvalidTemplate',
      `${resource} is not valid: Evaluation result of language expression '${text}' is type '${armTypeOf(batch)}', expected type is 'Integer'.`,
      at,
    );
  }
  if (batch < 0) {
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The template 'copy' definition has an invalid copy batch size. The copy batch size must be a non-negative integer value. ${LOOPS_HELP}`,
      at,
    );
  }
  if (!serial) {
    throw new ArmTemplateError(
      'InvalidTemplate',
      `${resource} has an unexpected copy batch size value. The copy batch size is only supported for copy mode values: 'Serial'. ${LOOPS_HELP}`,
      at,
    );
  }
  if (batch === 0) {
    // ARM accepts 0 but documents no order for it: the engine does not guess one.
    throw new ArmTemplateError(
      'InvalidTemplate',
      `${resource} has the copy batch size 0, for which ARM documents no deployment order; give a batch size of 1 or more.`,
      at,
    );
  }
  return batch;
}

/** A resource copy loop's mode and batch size (undefined for a parallel loop), checked as ARM checks them. */
export function resourceCopyMode(
  definition: ResourceDefinition,
  scope: Scope,
  path: string,
): { serial: boolean; batchSize: number | undefined } {
  const copy = definition.copy as Copy;
  // ARM names the resource by its name as written in the template.
  const resource = `The template resource '${definition.name}'`;
  const serial = isSerial(setting(copy, 'mode', scope, path), resource, `${path}.copy.mode`);
  const batch = setting(copy, 'batchSize', scope, path);
  if (batch === undefined && !serial) return { serial, batchSize: undefined };
  return { serial, batchSize: batchSizeOf(batch, serial, resource, `${path}.copy.batchSize`) };
}
