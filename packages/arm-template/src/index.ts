/**
 * The ARM template engine: a template, parameter values and a deployment context give the resource plan,
 * the dependency order and the outputs, evaluated the way Azure Resource Manager evaluates them.
 */
export { expandTemplate, renderForSnapshot, toSnapshot } from './expand.js';
export type { ExpandOptions, TemplateExpansion } from './expand.js';
export type { DeploymentContext, RuntimeResolver } from './context.js';
export type { DeploymentScope } from './deployment-scope.js';
export type { PlannedResource, ExpansionDiagnostic, NestedDeployment } from './plan.js';
export type { ArmTemplate } from './template.js';
export { ArmTemplateError } from './errors.js';
export type { ArmErrorCode } from './errors.js';
export { RuntimeValue, containsRuntime } from './values.js';
export type { ArmValue } from './values.js';
export { readParameterValues } from './parameters.js';
export { orderIntoWaves } from './graph.js';
export { uniqueString, deterministicGuid } from './functions/hashing.js';
export { builtInFunctionNames } from './functions/registry.js';
export { evaluateExpression } from './evaluate-expression.js';
export { AZURE_CLOUD_ENVIRONMENT } from './environment.js';
