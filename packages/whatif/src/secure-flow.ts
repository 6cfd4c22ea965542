import { expressionReferences } from './expression-references.js';

type Json = Record<string, unknown>;

/** A property that a secure value feeds, in every resource of one type. */
export interface SecureProperty {
  /** The resource type, as what-if ids spell it (`Microsoft.Network/privateDnsZones/TXT`). */
  type: string;
  /** The property path from the resource body, `*` standing for any array index: `properties.txtRecords.*`. */
  path: string[];
}

/** Where the secure values of a compiled template flow. */
export interface SecureFlow {
  properties: SecureProperty[];
  /** Outputs that are not declared secure but carry a secure value: ARM would return them in clear. */
  outputs: string[];
}

/** Members of a resource declaration that are not part of the body ARM stores. */
const declarationOnly = new Set([
  'type',
  'apiversion',
  'name',
  'dependson',
  'condition',
  'copy',
  'comments',
  'metadata',
  'existing',
  'scope',
]);

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isSecureType = (type: unknown) => typeof type === 'string' && /^secure/i.test(type);

/** What is tainted in one template scope: secure parameters, variables they feed, module outputs they reach. */
class Scope {
  readonly parameters = new Set<string>();
  readonly variables = new Set<string>();
  readonly moduleOutputs = new Set<string>();

  taints(value: unknown): boolean {
    if (Array.isArray(value)) return value.some((v) => this.taints(v));
    if (isObject(value)) return Object.values(value).some((v) => this.taints(v));
    if (typeof value !== 'string' || !value.startsWith('[') || value.startsWith('[[') || !value.endsWith(']'))
      return false;
    const refs = expressionReferences(value.slice(1, -1));
    return (
      refs.callsList ||
      refs.parameters.some((p) => this.parameters.has(p)) ||
      refs.variables.some((v) => this.variables.has(v)) ||
      refs.outputs.some((o) => this.moduleOutputs.has(o) || (o === '*' && this.moduleOutputs.size > 0)) ||
      (refs.dynamicParameter && this.parameters.size > 0) ||
      (refs.dynamicVariable && this.variables.size > 0)
    );
  }

  /** Variables fed by tainted values, to a fixed point (a variable may read another). */
  spreadToVariables(variables: Json): void {
    for (let grew = true; grew;) {
      grew = false;
      for (const [name, value] of Object.entries(variables)) {
        const key = name.toLowerCase();
        if (!this.variables.has(key) && this.taints(value)) {
          this.variables.add(key);
          grew = true;
        }
      }
    }
  }
}

function resourceList(resources: unknown): Json[] {
  if (Array.isArray(resources)) return resources.filter(isObject);
  if (isObject(resources)) return Object.values(resources).filter(isObject);
  return [];
}

/** Paths under `body` whose value the scope taints; `copy` property loops become `name.*`. */
function taintedPaths(value: unknown, path: string[], scope: Scope, found: string[][]): void {
  if (scope.taints(value) && !(isObject(value) || Array.isArray(value))) {
    found.push(path);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item) => taintedPaths(item, [...path, '*'], scope, found));
    return;
  }
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'copy' && Array.isArray(child)) {
      for (const loop of child.filter(isObject))
        if (typeof loop.name === 'string') taintedPaths(loop.input, [...path, loop.name, '*'], scope, found);
      continue;
    }
    taintedPaths(child, [...path, key], scope, found);
  }
}

function fullType(type: unknown, parentType: string | undefined): string {
  const own = typeof type === 'string' ? type : '';
  return parentType && !own.includes('/') ? `${parentType}/${own}` : own;
}

/** A Bicep module or nested template: its inner scope, fed by the parameters the outer one passes. */
function moduleScope(resource: Json, outer: Scope): { template: Json; scope?: Scope } | undefined {
  const properties = resource.properties;
  if (!isObject(properties) || !isObject(properties.template)) return undefined;
  const evaluation = properties.expressionEvaluationOptions;
  // A nested template without `scope: inner` reads the outer template's parameters and variables.
  if (!isObject(evaluation) || String(evaluation.scope).toLowerCase() !== 'inner')
    return { template: properties.template };
  const inner = new Scope();
  const passed = isObject(properties.parameters) ? properties.parameters : {};
  for (const [name, entry] of Object.entries(passed)) {
    // A Key Vault reference is a secret by definition; a value is one when the outer scope taints it.
    if (isObject(entry) && ('reference' in entry || outer.taints(entry.value)))
      inner.parameters.add(name.toLowerCase());
  }
  return { template: properties.template, scope: inner };
}

function analyse(
  template: Json,
  scope: Scope,
  flow: SecureFlow,
  parentType?: string,
  nested = false,
): string[] {
  const parameters = isObject(template.parameters) ? template.parameters : {};
  for (const [name, declaration] of Object.entries(parameters))
    if (isObject(declaration) && isSecureType(declaration.type)) scope.parameters.add(name.toLowerCase());
  scope.spreadToVariables(isObject(template.variables) ? template.variables : {});
  const resources = resourceList(template.resources);
  // Modules first, to a fixed point: a resource, or another module, may read a module's tainted output.
  for (let before = -1; before !== scope.moduleOutputs.size;) {
    before = scope.moduleOutputs.size;
    for (const resource of resources) {
      const module = moduleScope(resource, scope);
      if (!module) continue;
      const inner = analyse(
        module.template,
        module.scope ?? scope,
        { properties: [], outputs: [] },
        undefined,
        true,
      );
      for (const output of inner) scope.moduleOutputs.add(output.toLowerCase());
    }
  }
  for (const resource of resources) {
    const type = fullType(resource.type, parentType);
    const module = moduleScope(resource, scope);
    if (module) {
      analyse(module.template, module.scope ?? scope, flow, undefined, true);
      continue;
    }
    const found: string[][] = [];
    for (const [key, value] of Object.entries(resource))
      if (!declarationOnly.has(key.toLowerCase()) && key !== 'resources')
        taintedPaths(value, [key], scope, found);
    for (const path of found) flow.properties.push({ type, path });
    analyse({ resources: resource.resources }, scope, flow, type, nested);
  }
  const outputs = isObject(template.outputs) ? template.outputs : {};
  const tainted = Object.entries(outputs)
    .filter(([, o]) => isObject(o) && (isSecureType(o.type) || scope.taints(o.value) || scope.taints(o.copy)))
    .filter(([, o]) => nested || !isSecureType((o as Json).type))
    .map(([name]) => name);
  if (!nested) flow.outputs.push(...tainted);
  return tainted;
}

/**
 * Where the secure values of a compiled template (Bicep's JSON, or a hand-written ARM template) flow: every
 * resource property whose expression reads a secure parameter (`secureString`, `secureObject`) directly, through
 * variables, through a module's parameters (a Key Vault reference counts as secure) or a module's outputs, or
 * calls a `list*()` function; and every output, not declared secure, that carries one. What-if shows such a
 * property's previous value too, which no mask of this run knows, so {@link redactChanges} hides them by path.
 * The analysis errs on the side of secrecy: a name it cannot read taints everything of its kind.
 */
export function secureFlow(template: Record<string, unknown>): SecureFlow {
  const flow: SecureFlow = { properties: [], outputs: [] };
  analyse(template, new Scope(), flow);
  return flow;
}
