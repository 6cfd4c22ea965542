import {
  type DeploymentContext,
  type ExpansionContext,
  expansionContext,
  type RuntimeResolver,
} from './context.js';
import { DeploymentInstance } from './deployment-instance.js';
import { ArmTemplateError } from './errors.js';
import { checkDeploymentScope, type DeploymentScope } from './deployment-scope.js';
import { orderIntoWaves } from './graph.js';
import { suppliedSecrets, withoutSecrets } from './secure-parameters.js';
import type { ExpansionDiagnostic, NestedDeployment, PlannedResource } from './plan.js';
import type { ArmTemplate } from './template.js';
import {
  type ArmValue,
  containsRuntime,
  isArmObject,
  isExpressionResult,
  RuntimeValue,
  toExpressionText,
} from './values.js';

/** What `expandTemplate` needs besides the template. */
export interface ExpandOptions {
  /** Parameter values by name (see `readParameterValues` for files). */
  parameters?: Record<string, ArmValue>;
  /** Where the deployment runs. */
  context: DeploymentContext;
  /** Supplies runtime state (`reference()`, `list*()`); without it such values stay `RuntimeValue`s. */
  resolver?: RuntimeResolver;
  /**
   * Reads `reference()` to a resource of this deployment from the body the template declares for it, as
   * `bicep snapshot` predicts. Off by default: a deployment engine should ask the resolver for the real state.
   */
  predictDeclaredState?: boolean;
  /**
   * Keeps every supplied secure parameter (`securestring`, `secureobject`) as the expression `parameters('name')`,
   * and whatever is computed from it as a runtime expression, exactly where `bicep snapshot` keeps them: for
   * showing an expansion without its secrets. Off by default: a deployment needs the values (such an expansion
   * cannot be finished).
   */
  secureParametersAsExpressions?: boolean;
}

/** The result of expanding a template: the plan, its order and the outputs. */
export interface TemplateExpansion {
  /** Where the deployment itself runs: its resource group, or (none) the subscription. */
  deploymentScope: DeploymentScope;
  /** Every resource of the deployment, modules flattened, including those whose condition is false. */
  resources: PlannedResource[];
  /** The nested deployments (Bicep modules), flattened, for callers that record them as ARM does. */
  deployments: NestedDeployment[];
  /** Waves of resource ids (condition true only): each wave depends only on earlier waves. */
  order: string[][];
  /** Output values by name; parts that need runtime state are `RuntimeValue`s. */
  outputs: Record<string, ArmValue>;
  diagnostics: ExpansionDiagnostic[];
  /**
   * Evaluates a resource's body again with the runtime state its dependencies returned.
   * Throws `RuntimeValueRequired` naming what is still unknown if the resolver cannot supply it.
   */
  finishResource(resourceId: string, resolver: RuntimeResolver): Record<string, ArmValue>;
  /** Evaluates the outputs with the runtime state of the finished deployment. */
  finishOutputs(resolver: RuntimeResolver): Record<string, ArmValue>;
}

function runtimeExpressionIn(value: ArmValue): string | undefined {
  if (value instanceof RuntimeValue) return value.expression;
  if (Array.isArray(value)) return value.map(runtimeExpressionIn).find((x) => x !== undefined);
  if (isArmObject(value))
    return Object.values(value)
      .map(runtimeExpressionIn)
      .find((x) => x !== undefined);
  return undefined;
}

function requireKnown<T extends ArmValue>(value: T, what: string): T {
  const pending = runtimeExpressionIn(value);
  if (pending !== undefined) {
    throw new ArmTemplateError(
      'RuntimeValueRequired',
      `${what} still needs runtime state: the resolver did not supply '[${pending}]'.`,
      what,
    );
  }
  return value;
}

function unwrapOutputs(outputs: Record<string, ArmValue>): Record<string, ArmValue> {
  return Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [k, isArmObject(v) ? (v.value ?? null) : v]),
  );
}

function expandOnce(
  template: ArmTemplate,
  options: ExpandOptions,
  context: ExpansionContext,
): { top: DeploymentInstance; resources: PlannedResource[] } {
  if (typeof template !== 'object' || template === null) {
    throw new ArmTemplateError(
      'InvalidTemplate',
      'The template must be a JSON object (the output of `bicep build`).',
    );
  }
  if (
    template.languageVersion !== undefined &&
    !['1.9-experimental', '2.0', '2.1-experimental'].includes(template.languageVersion)
  ) {
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The template languageVersion '${template.languageVersion}' is not supported; use 2.0 or none.`,
      'languageVersion',
    );
  }
  checkDeploymentScope(template, options.context);
  const top = new DeploymentInstance(
    template,
    options.parameters ?? {},
    context,
    options.resolver,
    [],
    undefined,
    [],
    options.predictDeclaredState === true,
  );
  return { top, resources: top.plan() };
}

/** Runs one evaluation of the template; an error never carries a supplied secure value. */
function withSecretsHidden<T>(template: ArmTemplate, options: ExpandOptions, evaluate: () => T): T {
  try {
    return evaluate();
  } catch (error) {
    throw withoutSecrets(error, suppliedSecrets(template, options.parameters ?? {}));
  }
}

/**
 * Expands an ARM template (classic or languageVersion 2.0) with parameter values in a deployment context:
 * every resource with its id and request body, nested deployments flattened, the dependency order, and the outputs.
 * Nothing runtime is guessed: values that need deployed state stay `RuntimeValue`s until `finishResource`.
 */
export function expandTemplate(template: ArmTemplate, options: ExpandOptions): TemplateExpansion {
  // One clock and one set of GUIDs for the plan and for every evaluation that finishes it.
  const context = expansionContext(options.context, options.secureParametersAsExpressions === true);
  const { top, resources, outputs } = withSecretsHidden(template, options, () => {
    const once = expandOnce(template, options, context);
    return { ...once, outputs: unwrapOutputs(once.top.outputs()) };
  });
  const active = resources.filter((r) => r.condition);
  const order = orderIntoWaves(new Map(active.map((r) => [r.id, r.dependsOn])));
  const diagnostics: ExpansionDiagnostic[] = active
    .filter((r) => r.pending)
    .map((r) => ({
      level: 'info',
      code: 'RuntimeValue',
      message: `The resource '${r.id}' needs runtime state of its dependencies.`,
      target: r.id,
    }));
  return {
    deploymentScope: {
      subscriptionId: options.context.subscriptionId,
      ...(options.context.resourceGroup === undefined
        ? {}
        : { resourceGroup: options.context.resourceGroup }),
    },
    resources,
    deployments: withSecretsHidden(template, options, () => top.nestedDeployments()),
    order,
    outputs,
    diagnostics,
    finishResource(resourceId, resolver) {
      return withSecretsHidden(template, options, () => {
        const again = expandOnce(template, { ...options, resolver }, context).resources;
        const found = again.find((r) => r.id.toLowerCase() === resourceId.toLowerCase());
        if (!found)
          throw new ArmTemplateError(
            'InvalidTemplate',
            `The resource '${resourceId}' is not part of this deployment.`,
            resourceId,
          );
        // A runtime expression names the values it was computed from, secure ones included.
        return requireKnown(found.body, `The resource '${found.id}'`);
      });
    },
    finishOutputs(resolver) {
      return withSecretsHidden(template, options, () => {
        const again = unwrapOutputs(expandOnce(template, { ...options, resolver }, context).top.outputs());
        for (const [name, value] of Object.entries(again)) requireKnown(value, `The output '${name}'`);
        return again;
      });
    },
  };
}

/** A value with runtime parts written as ARM expression strings (`"[reference(...)]"`), as `bicep snapshot` prints them. */
export function renderForSnapshot(value: ArmValue): unknown {
  if (value instanceof RuntimeValue) return `[${value.expression}]`;
  if (isExpressionResult(value) && containsRuntime(value)) return `[${toExpressionText(value)}]`;
  if (Array.isArray(value)) return value.map(renderForSnapshot);
  if (isArmObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderForSnapshot(v)]));
  return value;
}

/** The expansion in the shape `bicep snapshot` writes: `{ predictedResources, diagnostics, outputs }`. */
export function toSnapshot(expansion: TemplateExpansion): {
  predictedResources: unknown[];
  diagnostics: unknown[];
  outputs: unknown;
} {
  return {
    predictedResources: expansion.resources
      .filter((r) => r.condition)
      .map((r) => ({
        id: r.id,
        type: r.type,
        name: r.name,
        apiVersion: r.apiVersion,
        ...(renderForSnapshot(r.body) as object),
      })),
    diagnostics: expansion.diagnostics.filter((d) => d.level === 'warning'),
    outputs: renderForSnapshot(expansion.outputs),
  };
}

export { containsRuntime };
