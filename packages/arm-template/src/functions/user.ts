import { evaluateTemplateValue } from '../evaluator.js';
import { functionError } from '../errors.js';
import type { Scope } from '../scope.js';
import type { ArmValue } from '../values.js';
import type { ArmFunction } from './registry.js';

/** A user-defined function (`namespace.member`) declared in the template's `functions` section. */
export function userFunction(lowerName: string, scope: Scope): ArmFunction | undefined {
  const definition = scope.functions.get(lowerName);
  if (!definition) return undefined;
  return {
    apply: (args, callerScope, name) => {
      if (args.length !== definition.parameters.length) {
        throw functionError(
          name,
          `expects ${definition.parameters.length} parameter(s), but got ${args.length}`,
        );
      }
      const bound = new Map(definition.parameters.map((p, i) => [p.name.toLowerCase(), args[i] as ArmValue]));
      const body = callerScope.forFunctionBody((parameterName) => {
        const value = bound.get(parameterName.toLowerCase());
        if (value === undefined) throw functionError(name, `has no parameter '${parameterName}'`);
        return value;
      });
      return evaluateTemplateValue(definition.output.value, body, `functions.${name}.output.value`);
    },
  };
}
