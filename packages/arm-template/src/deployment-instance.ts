import type { ExpansionContext, RuntimeResolver } from './context.js';
import { resourceCopyMode } from './copy-mode.js';
import { checkResourceConstructs, checkTemplateConstructs } from './unsupported-constructs.js';
import { ArmTemplateError, atLocation } from './errors.js';
import { evaluateTemplateValue } from './evaluator.js';
import type { NestedDeployment, PlannedResource } from './plan.js';
import { type DeploymentScope, scopeId } from './deployment-scope.js';
import { buildResourceId, subscriptionLevelId } from './resource-id.js';
import { type DeclaredResource, type ResourceDirectory, Scope, type UserFunction } from './scope.js';
import type { ArmTemplate, ResourceDefinition, TypeDefinition } from './template.js';
import { isSecureDeclaration } from './secure-parameters.js';
import { checkType } from './type-check.js';
import { type ArmValue, containsRuntime, markExpressionResult, RuntimeValue } from './values.js';

/** Keys of a resource declaration that instruct the deployment and are not part of the request body. */
const STRUCTURAL_KEYS = new Set([
  'type',
  'apiVersion',
  'name',
  'condition',
  'copy',
  'dependsOn',
  'comments',
  // Template metadata, such as the description Bicep writes for a `@description` decorator.
  'metadata',
  'existing',
  'scope',
  'resources',
  'subscriptionId',
  'resourceGroup',
  'import',
]);

interface ResourceInstance {
  definition: ResourceDefinition;
  path: string;
  symbolicName: string | undefined;
  loopName: string | undefined;
  copy: PlannedResource['copy'];
  scope: Scope;
  id: string;
  name: string;
  type: string;
  apiVersion: string;
  condition: boolean;
  existing: boolean;
  isModule: boolean;
}

function lowerMap<T>(entries: [string, T][]): Map<string, T> {
  return new Map(entries.map(([k, v]) => [k.toLowerCase(), v]));
}

/** One deployment (the top one or a Bicep module): its parameters, variables, resources and outputs. */
export class DeploymentInstance {
  private readonly parameterValues = new Map<string, ArmValue>();
  private readonly variableValues = new Map<string, ArmValue>();
  private readonly evaluating = new Set<string>();
  private readonly definitions: Record<string, TypeDefinition>;
  private readonly functions: Map<string, UserFunction>;
  private readonly baseScope: Scope;
  private instanceList: ResourceInstance[] | undefined;
  private readonly children = new Map<ResourceInstance, DeploymentInstance>();
  private readonly bodies = new Map<
    ResourceInstance,
    { body: Record<string, ArmValue>; deps: Set<string> }
  >();
  private readonly inProgress = new Set<ResourceInstance>();
  private readonly bodiesInProgress = new Set<ResourceInstance>();

  constructor(
    private readonly template: ArmTemplate,
    private readonly supplied: Record<string, ArmValue>,
    readonly context: ExpansionContext,
    private readonly resolver: RuntimeResolver | undefined,
    readonly deploymentPath: string[],
    /** Nested templates with outer expression scope read the parent's parameters and variables. */
    private readonly outer?: DeploymentInstance,
    /** Ids the whole deployment waits for (a module's own dependencies). */
    readonly inheritedDependencies: string[] = [],
    /** Read `reference()` to resources of this deployment from their declared bodies, as `bicep snapshot` does. */
    private readonly predictDeclaredState = false,
  ) {
    this.definitions = template.definitions ?? {};
    this.functions = new Map(
      (template.functions ?? []).flatMap((ns) =>
        Object.entries(ns.members).map(([member, fn]) => [
          `${ns.namespace}.${member}`.toLowerCase(),
          { parameters: fn.parameters ?? [], output: fn.output } as UserFunction,
        ]),
      ),
    );
    const directory: ResourceDirectory = {
      lookup: (n) => this.lookup(n),
      collection: (n) => this.collection(n),
      noteDependency: () => undefined,
    };
    this.baseScope = new Scope(
      context,
      (n) => (outer ? outer.parameter(n) : this.parameter(n)),
      (n) => (outer ? outer.variable(n) : this.variable(n)),
      this.functions,
      directory,
      resolver,
      () => this.deploymentObject(),
    );
    checkTemplateConstructs(template, this.where(''));
    if (!outer) this.validateSupplied();
  }

  /** A place in this deployment's template, prefixed with the module it is in. */
  private where(path: string): string {
    return this.deploymentPath.length > 0 ? `module '${this.deploymentPath.join('/')}' ${path}` : path;
  }

  private validateSupplied(): void {
    const declared = lowerMap(Object.entries(this.template.parameters ?? {}));
    for (const name of Object.keys(this.supplied)) {
      if (!declared.has(name.toLowerCase())) {
        throw new ArmTemplateError(
          'InvalidTemplateParameter',
          `The parameter '${name}' was supplied but the template does not declare it; remove it or fix its name.`,
          `parameters.${name}`,
        );
      }
    }
  }

  private deploymentObject(): ArmValue {
    const contentVersion = this.template.contentVersion ?? '1.0.0.0';
    // At subscription scope ARM gives the deployment's location and nothing more, as bicep snapshot shows.
    if (this.context.resourceGroup === undefined)
      return {
        name: this.context.deploymentName,
        properties: { template: { contentVersion } },
        location: this.context.location,
      };
    return {
      name: this.context.deploymentName,
      properties: { template: { contentVersion }, mode: 'Incremental', provisioningState: 'Accepted' },
    };
  }

  private guard<T>(key: string, what: string, compute: () => T): T {
    if (this.evaluating.has(key))
      throw new ArmTemplateError('InvalidTemplate', `The ${what} refers to itself.`, key);
    this.evaluating.add(key);
    try {
      return compute();
    } finally {
      this.evaluating.delete(key);
    }
  }

  /** The value of a parameter: supplied, or its default, checked against its declared type. */
  parameter(name: string): ArmValue {
    const key = name.toLowerCase();
    const cached = this.parameterValues.get(key);
    if (cached !== undefined) return cached;
    const entry = Object.entries(this.template.parameters ?? {}).find(([n]) => n.toLowerCase() === key);
    if (!entry)
      throw new ArmTemplateError(
        'InvalidTemplate',
        `The template parameter '${name}' is not found.`,
        `parameters('${name}')`,
      );
    const [declaredName, definition] = entry;
    const supplied = Object.entries(this.supplied).find(([n]) => n.toLowerCase() === key);
    const value = this.guard(
      `parameters.${declaredName}`,
      `default value of the parameter '${declaredName}'`,
      () => {
        if (supplied) return supplied[1];
        if ('defaultValue' in definition)
          return evaluateTemplateValue(
            definition.defaultValue,
            this.baseScope.forParameterDefault([...this.deploymentPath, declaredName].join('/')),
            `parameters.${declaredName}.defaultValue`,
          );
        if (definition.nullable) return null;
        throw new ArmTemplateError(
          'MissingParameterValue',
          `The value for the template parameter '${declaredName}' is not provided: supply it in a parameters file or with --param ${declaredName}=VALUE.`,
          `parameters.${declaredName}`,
        );
      },
    );
    const secure = isSecureDeclaration(definition, this.definitions);
    try {
      checkType(definition, value, `The value of the parameter '${declaredName}'`, this.definitions, secure);
    } catch (error) {
      if (error instanceof ArmTemplateError)
        throw new ArmTemplateError('InvalidTemplateParameter', error.message, `parameters.${declaredName}`);
      throw error;
    }
    // As `bicep snapshot` does: a supplied secret stays the expression that reads it; a default is template text.
    const kept =
      secure && supplied && this.context.secureParametersAsExpressions && !containsRuntime(value)
        ? new RuntimeValue(`parameters('${declaredName}')`)
        : value;
    this.parameterValues.set(key, kept);
    return kept;
  }

  /** The value of a variable, computed on first use (ARM variables may be declared in any order). */
  variable(name: string): ArmValue {
    const key = name.toLowerCase();
    const cached = this.variableValues.get(key);
    if (cached !== undefined) return cached;
    const variables = this.template.variables ?? {};
    const copies = Array.isArray(variables.copy)
      ? (variables.copy as { name: string; count: unknown; input: unknown }[])
      : [];
    const copy = copies.find((c) => c.name.toLowerCase() === key);
    const entry = Object.entries(variables).find(([n]) => n.toLowerCase() === key && n !== 'copy');
    if (!copy && !entry)
      throw new ArmTemplateError(
        'InvalidTemplate',
        `The template variable '${name}' is not found.`,
        `variables('${name}')`,
      );
    const value = this.guard(`variables.${name}`, `variable '${name}'`, () =>
      copy
        ? this.copyVariable(copy)
        : evaluateTemplateValue((entry as [string, unknown])[1], this.baseScope, `variables.${name}`),
    );
    this.variableValues.set(key, value);
    return value;
  }

  private copyVariable(copy: { name: string; count: unknown; input: unknown }): ArmValue {
    const at = `variables.copy.${copy.name}`;
    const count = this.countOf(evaluateTemplateValue(copy.count, this.baseScope, `${at}.count`), at);
    return Array.from({ length: count }, (_v, i) =>
      evaluateTemplateValue(copy.input, this.baseScope.withCopyIndex(copy.name, i, false), `${at}.input`),
    );
  }

  private countOf(value: ArmValue, at: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 800) {
      throw new ArmTemplateError(
        'InvalidTemplate',
        `The copy count must be an integer from 0 to 800 known at the start of the deployment, not ${JSON.stringify(value instanceof RuntimeValue ? `[${value.expression}]` : value)}.`,
        at,
      );
    }
    return value;
  }

  private resourceDefinitions(): {
    definition: ResourceDefinition;
    symbolicName: string | undefined;
    path: string;
  }[] {
    const resources = this.template.resources ?? [];
    const top = Array.isArray(resources)
      ? resources.map((definition, i) => ({
          definition,
          symbolicName: undefined as string | undefined,
          path: `resources[${i}]`,
        }))
      : Object.entries(resources).map(([symbolicName, definition]) => ({
          definition,
          symbolicName,
          path: `resources.${symbolicName}`,
        }));
    return top.flatMap((entry) => [entry, ...this.childDefinitions(entry.definition, entry.path)]);
  }

  /** Classic templates may nest child resources; ARM prefixes their type and name with the parent's. */
  private childDefinitions(
    parent: ResourceDefinition,
    path: string,
  ): { definition: ResourceDefinition; symbolicName: undefined; path: string }[] {
    return (parent.resources ?? []).flatMap((child, i) => {
      const childPath = `${path}.resources[${i}]`;
      const qualified =
        child.type.includes('/') && child.type.includes('.') ? child.type : `${parent.type}/${child.type}`;
      const name =
        child.type === qualified
          ? child.name
          : `[format('{0}/{1}', ${quoteForFormat(parent.name)}, ${quoteForFormat(child.name)})]`;
      const definition = {
        ...child,
        type: qualified,
        name,
        dependsOn: [...(child.dependsOn ?? []), parentReference(parent)],
      };
      return [
        { definition, symbolicName: undefined, path: childPath },
        ...this.childDefinitions(definition, childPath),
      ];
    });
  }

  /** Every resource instance of this deployment, with its identity (copy loops expanded, conditions known). */
  instances(): ResourceInstance[] {
    if (this.instanceList) return this.instanceList;
    // Filled one declaration at a time, so a later resource's `scope` can name an earlier one.
    const list: ResourceInstance[] = [];
    this.instanceList = list;
    for (const entry of this.resourceDefinitions()) {
      checkResourceConstructs(entry.definition, this.where(entry.path));
      list.push(...this.expandInstances(entry.definition, entry.symbolicName, entry.path));
    }
    checkDeclaredOnce(list);
    return list;
  }

  private expandInstances(
    definition: ResourceDefinition,
    symbolicName: string | undefined,
    path: string,
  ): ResourceInstance[] {
    if (definition.copy) {
      const copy = definition.copy;
      const count = this.countOf(
        evaluateTemplateValue(copy.count, this.baseScope, `${path}.copy.count`),
        `${path}.copy.count`,
      );
      const { serial, batchSize } = resourceCopyMode(definition, this.baseScope, path);
      return Array.from({ length: count }, (_v, index) =>
        this.identify(
          definition,
          symbolicName,
          `${path}[${index}]`,
          this.baseScope.withCopyIndex(copy.name, index),
          {
            name: copy.name,
            index,
            mode: serial ? 'serial' : 'parallel',
            batchSize,
          },
        ),
      );
    }
    return [this.identify(definition, symbolicName, path, this.baseScope, undefined)];
  }

  private identify(
    definition: ResourceDefinition,
    symbolicName: string | undefined,
    path: string,
    scope: Scope,
    copy: PlannedResource['copy'],
  ): ResourceInstance {
    const text = (key: string) => {
      const value = evaluateTemplateValue(definition[key], scope, `${path}.${key}`);
      if (typeof value !== 'string') {
        throw new ArmTemplateError(
          'InvalidTemplate',
          `The resource ${key} must be a string known at the start of the deployment.`,
          `${path}.${key}`,
        );
      }
      return value;
    };
    const type = text('type');
    const name = text('name');
    // From here on, errors name the resource as well as its place in the template (and the module it is in).
    path = this.where(`${path} (${type} '${name}')`);
    const isModule = type.toLowerCase() === 'microsoft.resources/deployments';
    const apiVersion = definition.apiVersion === undefined ? '' : text('apiVersion');
    if (!isModule && apiVersion === '' && !definition.existing) {
      throw new ArmTemplateError(
        'InvalidTemplate',
        `The resource '${name}' of type '${type}' has no apiVersion.`,
        path,
      );
    }
    const condition =
      definition.condition === undefined
        ? true
        : evaluateTemplateValue(definition.condition, scope, `${path}.condition`);
    if (typeof condition !== 'boolean') {
      throw new ArmTemplateError(
        'InvalidTemplate',
        `The resource condition must be a boolean known at the start of the deployment.`,
        `${path}.condition`,
      );
    }
    const id = this.resourceIdFor(definition, type, name, scope, path);
    return {
      definition,
      path,
      symbolicName,
      loopName: definition.copy?.name,
      copy,
      scope,
      id,
      name,
      type,
      apiVersion,
      condition,
      existing: definition.existing === true,
      isModule,
    };
  }

  private resourceIdFor(
    definition: ResourceDefinition,
    type: string,
    name: string,
    scope: Scope,
    path: string,
  ): string {
    const isModule = type.toLowerCase() === 'microsoft.resources/deployments';
    const optional = (key: 'subscriptionId' | 'resourceGroup') =>
      definition[key] === undefined
        ? undefined
        : String(evaluateTemplateValue(definition[key], scope, `${path}.${key}`));
    const subscriptionId = optional('subscriptionId');
    const group = optional('resourceGroup');
    if (isModule) checkModuleScope(definition, name, path);
    else if ((subscriptionId !== undefined || group !== undefined) && definition.existing !== true) {
      throw new ArmTemplateError(
        'InvalidTemplate',
        `The resource '${name}' sets subscriptionId or resourceGroup, which this engine reads only on nested deployments and existing resources; deploy it from a module in that scope.`,
        path,
      );
    }
    // A subscription without a resource group is a subscription-level scope; neither is this deployment's scope.
    const where: DeploymentScope =
      subscriptionId !== undefined && group === undefined
        ? { subscriptionId }
        : this.scopeWith(subscriptionId, group);
    if (definition.scope === undefined) {
      if (where.resourceGroup === undefined) return subscriptionLevelId(where.subscriptionId, type, [name]);
      return buildResourceId(scopeId(where), type, [name]);
    }
    const target = evaluateTemplateValue(definition.scope, scope, `${path}.scope`);
    if (typeof target !== 'string')
      throw new ArmTemplateError('InvalidTemplate', 'The resource scope must be a string.', `${path}.scope`);
    const symbolic = this.lookupSymbolic(target);
    const parent = symbolic
      ? symbolic.id
      : target.startsWith('/')
        ? target.replace(/\/$/, '')
        : `${scopeId(where)}/providers/${target}`;
    return buildResourceId(parent, type, [name]);
  }

  /** This deployment's scope, or the one a subscription id and resource group given on a declaration name. */
  private scopeWith(subscriptionId: string | undefined, group: string | undefined): DeploymentScope {
    const resourceGroup = group ?? this.context.resourceGroup;
    return {
      subscriptionId: subscriptionId ?? this.context.subscriptionId,
      ...(resourceGroup === undefined ? {} : { resourceGroup }),
    };
  }

  /** The location this deployment (or one enclosing it) declares for a resource group it creates. */
  private declaredGroupLocation(groupId: string): string | undefined {
    const group = this.instances().find(
      (i) =>
        i.condition &&
        !i.existing &&
        i.type.toLowerCase() === 'microsoft.resources/resourcegroups' &&
        i.id.toLowerCase() === groupId.toLowerCase(),
    );
    if (!group || this.bodiesInProgress.has(group)) return this.context.declaredGroupLocation?.(groupId);
    const location = this.evaluateBody(group).body.location;
    return typeof location === 'string' ? location : undefined;
  }

  /** Where this deployment deploys its own resources. */
  deploymentScope(): DeploymentScope {
    return this.scopeWith(undefined, undefined);
  }

  private lookupSymbolic(name: string): ResourceInstance | undefined {
    if (Array.isArray(this.template.resources) || !this.instanceList) return undefined;
    const indexed = /^(.+)\[(\d+)\]$/.exec(name);
    const symbol = (indexed ? indexed[1] : name) as string;
    const matches = this.instanceList.filter((i) => i.symbolicName === symbol);
    if (matches.length === 0) return undefined;
    return indexed
      ? matches[Number(indexed[2])]
      : matches.length === 1 && !matches[0]?.copy
        ? matches[0]
        : undefined;
  }

  /** Instances a `dependsOn` entry or reference names: a symbolic name, a loop, a resource id or a resource name. */
  private findInstances(reference: string): ResourceInstance[] {
    const all = this.instances();
    const lower = reference.toLowerCase();
    const indexed = /^(.+)\[(\d+)\]$/.exec(reference);
    if (indexed)
      return all.filter((i) => i.symbolicName === indexed[1] && i.copy?.index === Number(indexed[2]));
    const bySymbol = all.filter((i) => i.symbolicName === reference || i.loopName?.toLowerCase() === lower);
    if (bySymbol.length > 0) return bySymbol;
    const byId = all.filter((i) => i.id.toLowerCase() === lower);
    if (byId.length > 0) return byId;
    return all.filter((i) => i.name.toLowerCase() === lower || `${i.type}/${i.name}`.toLowerCase() === lower);
  }

  private lookup(reference: string): DeclaredResource | undefined {
    const [found] = this.findInstances(reference);
    return found ? this.declare(found) : undefined;
  }

  /** The instances of a symbolic collection (languageVersion 2.0), for `references()`. */
  private collection(symbolicName: string): DeclaredResource[] | undefined {
    const resources = this.template.resources;
    if (Array.isArray(resources) || resources === undefined) return undefined;
    const definition = (resources as Record<string, { copy?: unknown }>)[symbolicName];
    if (!definition?.copy) return undefined;
    return this.instances()
      .filter((i) => i.symbolicName === symbolicName)
      .sort((a, b) => (a.copy?.index ?? 0) - (b.copy?.index ?? 0))
      .map((i) => this.declare(i));
  }

  private declare(found: ResourceInstance): DeclaredResource {
    const declared: DeclaredResource = {
      id: found.id,
      name: found.name,
      type: found.type,
      apiVersion: found.apiVersion,
      existing: found.existing,
      dependencyIds: found.existing ? [] : found.isModule ? this.child(found).completionIds() : [found.id],
    };
    if (found.isModule) declared.outputs = () => this.child(found).outputs();
    else if (this.predictDeclaredState && !found.existing && found.condition) {
      declared.declaredBody = () =>
        this.bodiesInProgress.has(found) ? undefined : this.evaluateBody(found).body;
    }
    return declared;
  }

  /** The nested deployment of a module instance, built on first use. */
  child(instance: ResourceInstance): DeploymentInstance {
    const existing = this.children.get(instance);
    if (existing) return existing;
    if (this.inProgress.has(instance)) {
      throw new ArmTemplateError(
        'InvalidTemplate',
        `Deployment template validation failed: 'Circular dependency detected on resource: '${instance.id}'.'`,
        instance.path,
      );
    }
    this.inProgress.add(instance);
    try {
      const child = this.buildChild(instance);
      this.children.set(instance, child);
      return child;
    } finally {
      this.inProgress.delete(instance);
    }
  }

  private buildChild(instance: ResourceInstance): DeploymentInstance {
    const properties = (instance.definition.properties ?? {}) as Record<string, unknown>;
    const at = `${instance.path}.properties`;
    if (!properties.template) {
      throw new ArmTemplateError(
        'InvalidTemplate',
        `The nested deployment '${instance.name}' uses templateLink or another form this engine cannot read; inline the template (Bicep modules do).`,
        at,
      );
    }
    const deps = new Set<string>(this.explicitDependencies(instance));
    const scope = this.collecting(instance.scope, deps);
    const innerScope =
      (properties.expressionEvaluationOptions as { scope?: string } | undefined)?.scope?.toLowerCase() ===
      'inner';
    const supplied: Record<string, ArmValue> = {};
    for (const [name, entry] of Object.entries(
      (properties.parameters ?? {}) as Record<string, { value?: unknown; reference?: unknown }>,
    )) {
      if (entry.reference !== undefined)
        throw new ArmTemplateError(
          'InvalidTemplate',
          `The module parameter '${name}' is a Key Vault reference, which this engine cannot read.`,
          `${at}.parameters.${name}`,
        );
      // Bicep writes a looped module parameter as a property copy named `value` inside the entry, so the whole
      // entry is evaluated and its `value` taken.
      const evaluated = evaluateTemplateValue(entry, scope, `${at}.parameters.${name}`) as {
        value?: ArmValue;
      };
      supplied[name] = evaluated.value ?? null;
    }
    const evaluate = (key: string) =>
      instance.definition[key] === undefined
        ? undefined
        : String(evaluateTemplateValue(instance.definition[key], instance.scope, `${instance.path}.${key}`));
    const subscriptionId = evaluate('subscriptionId');
    const group = evaluate('resourceGroup');
    // A module given a subscription and no resource group deploys at that subscription's scope.
    const target =
      subscriptionId !== undefined && group === undefined
        ? { subscriptionId }
        : this.scopeWith(subscriptionId, group);
    const context: ExpansionContext = {
      ...this.context,
      deploymentName: instance.name,
      subscriptionId: target.subscriptionId,
      resourceGroup: target.resourceGroup,
      // A deployment at subscription scope has its own location (`deployment().location`); one into a resource group
      // this deployment creates is in that group's location.
      location:
        (target.resourceGroup === undefined
          ? evaluate('location')
          : this.declaredGroupLocation(scopeId(target))) ?? this.context.location,
      declaredGroupLocation: (id) => this.declaredGroupLocation(id),
    };
    const template = (
      innerScope
        ? properties.template
        : evaluateTemplateValue(properties.template, instance.scope, `${at}.template`)
    ) as ArmTemplate;
    return new DeploymentInstance(
      template,
      supplied,
      context,
      this.resolver,
      [...this.deploymentPath, instance.name],
      innerScope ? undefined : this,
      [...this.inheritedDependencies, ...deps],
      this.predictDeclaredState,
    );
  }

  private collecting(scope: Scope, deps: Set<string>): Scope {
    return scope.withResources({
      lookup: (n) => this.lookup(n),
      collection: (n) => this.collection(n),
      noteDependency: (id) => deps.add(id),
    });
  }

  private explicitDependencies(instance: ResourceInstance): string[] {
    return (instance.definition.dependsOn ?? []).flatMap((entry, i) => {
      const reference = evaluateTemplateValue(entry, instance.scope, `${instance.path}.dependsOn[${i}]`);
      if (typeof reference !== 'string')
        throw new ArmTemplateError(
          'InvalidTemplate',
          'A dependsOn entry must be a string.',
          `${instance.path}.dependsOn[${i}]`,
        );
      const targets = this.findInstances(reference);
      if (targets.length === 0) {
        throw new ArmTemplateError(
          'InvalidTemplate',
          `The resource '${reference}' is not defined in the template.`,
          `${instance.path}.dependsOn[${i}]`,
        );
      }
      return targets
        .filter((t) => !t.existing)
        .flatMap((t) => (t.isModule ? this.child(t).completionIds() : [t.id]));
    });
  }

  /**
   * What waiting for this nested deployment means: its resources, and what it waits for itself, so that a module
   * that deploys nothing (one that only reads `existing` resources) still orders its dependents after its inputs.
   */
  completionIds(): string[] {
    return [...new Set([...this.allPlannedIds(), ...this.inheritedDependencies])];
  }

  /** Ids of every resource this deployment (and its modules) would deploy. */
  allPlannedIds(): string[] {
    return this.instances()
      .filter((i) => i.condition && !i.existing)
      .flatMap((i) => (i.isModule ? this.child(i).allPlannedIds() : [i.id]));
  }

  private evaluateBody(instance: ResourceInstance): { body: Record<string, ArmValue>; deps: Set<string> } {
    const cached = this.bodies.get(instance);
    if (cached) return cached;
    const deps = new Set<string>([...this.inheritedDependencies, ...this.explicitDependencies(instance)]);
    const scope = this.collecting(instance.scope, deps);
    const body: Record<string, ArmValue> = {};
    this.bodiesInProgress.add(instance);
    try {
      for (const [key, value] of Object.entries(instance.definition)) {
        if (STRUCTURAL_KEYS.has(key)) continue;
        body[key] = evaluateTemplateValue(value, scope, `${instance.path}.${key}`);
      }
    } finally {
      this.bodiesInProgress.delete(instance);
    }
    deps.delete(instance.id);
    const result = { body, deps };
    this.bodies.set(instance, result);
    return result;
  }

  /** The nested deployments (modules) of this deployment and of its modules, whose condition is true. */
  nestedDeployments(): NestedDeployment[] {
    return this.instances()
      .filter((i) => i.isModule && i.condition && !i.existing)
      .flatMap((i) => {
        const child = this.child(i);
        const own: NestedDeployment = {
          id: i.id,
          name: i.name,
          parentPath: this.deploymentPath,
          subscriptionId: child.context.subscriptionId,
          resourceGroup: child.context.resourceGroup ?? '',
          deploymentScope: child.deploymentScope(),
          resourceIds: child.allPlannedIds(),
          dependsOn: child.inheritedDependencies,
        };
        return [own, ...child.nestedDeployments()];
      });
  }

  /** The resources of this deployment and its modules, in template order. */
  plan(): PlannedResource[] {
    // ARM checks every parameter's value against its declaration before it deploys, used or not.
    for (const name of Object.keys(this.template.parameters ?? {})) this.parameter(name);
    const planned: PlannedResource[] = [];
    for (const instance of this.instances()) {
      if (instance.existing) continue;
      if (instance.isModule) {
        if (instance.condition) planned.push(...this.child(instance).plan());
        continue;
      }
      const { body, deps } = instance.condition
        ? this.evaluateBody(instance)
        : { body: {}, deps: new Set<string>() };
      planned.push({
        id: instance.id,
        type: instance.type,
        name: instance.name,
        apiVersion: instance.apiVersion,
        symbolicName: instance.symbolicName,
        deploymentPath: this.deploymentPath,
        deploymentScope: this.deploymentScope(),
        condition: instance.condition,
        copy: instance.copy,
        body,
        dependsOn: [...deps].filter((d) => d !== instance.id),
        pending: containsRuntime(body),
      });
    }
    return this.serialise(planned);
  }

  /** Serial copy loops: each batch waits for the previous batch of the same loop. */
  private serialise(planned: PlannedResource[]): PlannedResource[] {
    for (const resource of planned) {
      const copy = resource.copy;
      if (copy?.mode !== 'serial' || copy.index === 0) continue;
      const size = copy.batchSize ?? 1;
      const batch = Math.floor(copy.index / size);
      const previous = planned.filter(
        (p) =>
          p.copy?.name === copy.name &&
          p.deploymentPath === resource.deploymentPath &&
          Math.floor(p.copy.index / size) === batch - 1,
      );
      for (const p of previous) if (!resource.dependsOn.includes(p.id)) resource.dependsOn.push(p.id);
    }
    return planned;
  }

  /** The deployment's outputs: known values, or runtime values where they need the deployment's state. */
  outputs(): Record<string, ArmValue> {
    const result: Record<string, ArmValue> = {};
    for (const [name, output] of Object.entries(this.template.outputs ?? {})) {
      const at = `outputs.${name}`;
      try {
        if (
          output.condition !== undefined &&
          evaluateTemplateValue(output.condition, this.baseScope, `${at}.condition`) !== true
        )
          continue;
        let value: ArmValue;
        if (output.copy) {
          const count = this.countOf(
            evaluateTemplateValue(output.copy.count, this.baseScope, `${at}.copy.count`),
            `${at}.copy.count`,
          );
          // An output loop is one value to ARM: written whole as one expression while any item is runtime.
          value = markExpressionResult(
            Array.from({ length: count }, (_v, i) =>
              evaluateTemplateValue(
                output.copy?.input,
                this.baseScope.withCopyIndex('__output', i),
                `${at}.copy.input`,
              ),
            ),
          );
        } else value = evaluateTemplateValue(output.value, this.baseScope, `${at}.value`);
        checkType(output, value, `The output '${name}'`, this.definitions);
        result[name] = { type: output.type ?? 'object', value };
      } catch (error) {
        atLocation(error, at);
      }
    }
    return result;
  }
}

function quoteForFormat(text: string): string {
  if (text.startsWith('[') && !text.startsWith('[[')) return text.slice(1, -1);
  return `'${text.replace(/'/g, "''")}'`;
}

function parentReference(parent: ResourceDefinition): string {
  return parent.copy
    ? parent.copy.name
    : `[resourceId(${quoteForFormat(parent.type)}, ${quoteForFormat(parent.name)})]`;
}

/**
 * A nested deployment deploys where its `subscriptionId`, `resourceGroup` and `scope` say. This engine expands
 * deployments at resource group and subscription scope, so a module at a management group or the tenant is an
 * error rather than a deployment placed in the parent's scope.
 */
function checkModuleScope(definition: ResourceDefinition, name: string, path: string): void {
  if (definition.scope !== undefined) {
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The nested deployment '${name}' targets the scope '${String(definition.scope)}' (a management group or the tenant), and this engine deploys at resource group and subscription scope only; target a resource group or a subscription.`,
      `${path}.scope`,
    );
  }
}

/**
 * ARM fails a deployment that declares one resource (one id) twice, copy loops expanded; a declaration whose
 * condition is false deploys nothing and does not count. `existing` declarations are left out: ARM fails on those
 * (languageVersion 2.0) only when the deployment reads them, at run time.
 */
function checkDeclaredOnce(instances: ResourceInstance[]): void {
  const seen = new Map<string, ResourceInstance>();
  for (const instance of instances) {
    if (!instance.condition || instance.existing) continue;
    const key = instance.id.toLowerCase();
    const first = seen.get(key);
    if (first) {
      // ARM names the resource by its type and name: what follows the id's last provider segment.
      const typeAndName = first.id.slice(first.id.toLowerCase().lastIndexOf('/providers/') + 11);
      throw new ArmTemplateError(
        'InvalidTemplate',
        `The resource '${typeAndName}' is defined multiple times in a template: first at ${first.path}. Please see https://aka.ms/arm-template/#resources for usage details.`,
        instance.path,
      );
    }
    seen.set(key, instance);
  }
}
