import { functionError } from '../errors.js';
import { type ArmValue, RuntimeValue } from '../values.js';
import { arity, intArg, stringArg } from './arguments.js';
import type { FunctionFamily } from './registry.js';

/** Deployment functions of the ARM template language: parameters, variables, copy indexes and the deployment. */
export const deploymentFunctions: FunctionFamily = {
  parameters: {
    apply: (a, scope) => (arity('parameters', a, 1), scope.parameter(stringArg('parameters', a, 0))),
  },
  variables: {
    apply: (a, scope) => {
      arity('variables', a, 1);
      if (scope.inFunction) throw functionError('variables', 'cannot be used inside a user-defined function');
      return scope.variable(stringArg('variables', a, 0));
    },
  },
  copyindex: {
    apply: (a, scope) => {
      arity('copyIndex', a, 0, 2);
      const named = typeof a[0] === 'string';
      const loop = named ? (a[0] as string).toLowerCase() : scope.currentCopy;
      const offset = a.length > (named ? 1 : 0) ? intArg('copyIndex', a, named ? 1 : 0) : 0;
      const index = loop === undefined ? undefined : scope.copyIndexes.get(loop);
      if (index === undefined) {
        throw functionError(
          'copyIndex',
          named
            ? `refers to the copy loop '${String(a[0])}', which does not enclose this expression`
            : 'is used outside a copy loop',
        );
      }
      return index + offset;
    },
  },
  deployment: { apply: (a, scope) => (arity('deployment', a, 0), scope.deploymentObject()) },
  // The cloud a deployment runs in is known to ARM, not to the template: without the context's environment it stays
  // runtime, as `bicep snapshot` keeps it.
  environment: {
    apply: (a, scope) => (
      arity('environment', a, 0),
      (scope.context.environment as ArmValue | undefined) ?? new RuntimeValue('environment()')
    ),
  },
  deployer: { apply: (a) => (arity('deployer', a, 0), new RuntimeValue('deployer()')) },
};
