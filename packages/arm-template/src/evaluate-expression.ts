import { type DeploymentContext, expansionContext } from './context.js';
import { DeploymentInstance } from './deployment-instance.js';
import { evaluateString } from './evaluator.js';
import type { ArmValue } from './values.js';

/**
 * Evaluates one template expression (for example `"[uniqueString('a')]"`) outside any template, in a
 * deployment context. Useful for tools and for checking single functions.
 */
export function evaluateExpression(expression: string, context: DeploymentContext): ArmValue {
  const holder = new DeploymentInstance(
    { outputs: { value: { type: 'any', value: expression } } },
    {},
    expansionContext(context),
    undefined,
    [],
  );
  const outputs = holder.outputs() as Record<string, { value: ArmValue }>;
  return (outputs.value as { value: ArmValue }).value;
}

export { evaluateString };
