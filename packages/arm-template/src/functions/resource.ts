import { ArmTemplateError, functionError } from '../errors.js';
import { resourceGroupId } from '../resource-id.js';
import type { Scope } from '../scope.js';
import { type ArmObject, type ArmValue, isArmObject, RuntimeValue, toExpressionText } from '../values.js';
import { arity, intArg, stringArg } from './arguments.js';
import type { ArmFunction, FunctionFamily } from './registry.js';

/** The api-version `resourceGroup()` reads the group's state with. */
const RESOURCE_GROUP_API_VERSION = '2024-03-01';

function reference(args: ArmValue[], scope: Scope): ArmValue {
  arity('reference', args, 1, 3);
  const target = stringArg('reference', args, 0);
  const apiVersion = args.length >= 2 && args[1] !== null ? stringArg('reference', args, 1) : undefined;
  const full = args.length === 3 && stringArg('reference', args, 2).toLowerCase() === 'full';
  return referenceTo(scope.resources.lookup(target), target, apiVersion, full, scope);
}

/**
 * `references(collection, [format])`: the state of every instance of a resource or module collection, in copy
 * order, each as `reference(instance, apiVersion, format)` answers it (ARM expands it that way).
 */
function references(args: ArmValue[], scope: Scope): ArmValue {
  arity('references', args, 1, 2);
  const name = stringArg('references', args, 0);
  const format = args.length === 2 ? stringArg('references', args, 1).toLowerCase() : 'properties';
  if (format !== 'full' && format !== 'properties')
    throw functionError('references', `takes 'Full' or 'Properties' as its format, not '${format}'`);
  const instances = scope.resources.collection?.(name);
  if (instances === undefined)
    throw functionError(
      'references',
      `needs the symbolic name of a resource or module collection (a copy loop) of this template; '${name}' is not one`,
    );
  return instances.map((declared) => referenceTo(declared, declared.id, undefined, format === 'full', scope));
}

function referenceTo(
  declared: ReturnType<Scope['resources']['lookup']>,
  target: string,
  apiVersion: string | undefined,
  full: boolean,
  scope: Scope,
): ArmValue {
  if (declared) for (const id of declared.dependencyIds) scope.resources.noteDependency(id);
  if (declared?.outputs) {
    const outputs = declared.outputs();
    return full ? { id: declared.id, name: declared.name, properties: { outputs } } : { outputs };
  }
  const id = declared?.id ?? target;
  const version = apiVersion ?? declared?.apiVersion;
  const known = scope.resolver?.reference(id, version, full);
  if (known !== undefined) return known;
  const body = declared?.declaredBody?.();
  const text = `reference(${[id, version]
    .filter((x) => x !== undefined)
    .map((x) => toExpressionText(x as string))
    .join(', ')}${full ? ", 'full'" : ''})`;
  // `bicep snapshot` predicts the properties the template declares, also through a full reference; the rest of a
  // full reference (id, location, …) it keeps runtime.
  const properties = body?.properties ?? null;
  if (declared && isArmObject(properties))
    return full ? predicted(text, { properties }) : predicted(text, properties);
  return new RuntimeValue(text);
}

/**
 * A runtime value whose members are predicted from the declared body: what the template asks for is what the
 * resource will report, as `bicep snapshot` assumes. Members the body does not declare stay runtime.
 */
function predicted(expression: string, source: ArmObject): RuntimeValue {
  const known: ArmObject = {};
  for (const [key, value] of Object.entries(source)) {
    // A property declared null is one the service fills in (a dynamic address, say): it stays runtime.
    if (value !== null) known[key] = predictedMember(`${expression}.${key}`, value);
  }
  return new RuntimeValue(expression, known);
}

function predictedMember(expression: string, value: ArmValue): ArmValue {
  if (isArmObject(value)) return predicted(expression, value);
  if (Array.isArray(value)) return value.map((item, i) => predictedMember(`${expression}[${i}]`, item));
  return value;
}

/** `list*` actions (`listKeys`, `listSecrets`, …): the resolver's result, or a runtime value. */
export const listFunction: ArmFunction = {
  apply: (args, scope, name) => {
    arity(name, args, 2, 3);
    const target = stringArg(name, args, 0);
    const declared = scope.resources.lookup(target);
    if (declared) for (const id of declared.dependencyIds) scope.resources.noteDependency(id);
    const id = declared?.id ?? target;
    const apiVersion = stringArg(name, args, 1);
    const known = scope.resolver?.list?.(id, name, apiVersion, args[2]);
    if (known !== undefined) return known;
    return new RuntimeValue(`${name}(${[id, ...args.slice(1)].map(toExpressionText).join(', ')})`);
  },
};

function runtimeOnly(what: string): ArmFunction {
  return {
    apply: (args, _scope, name) => new RuntimeValue(`${name}(${args.map(toExpressionText).join(', ')})`),
    acceptsRuntime: what.length > 0,
  };
}

/** Resource functions of the ARM template language. */
export const resourceFunctions: FunctionFamily = {
  reference: { apply: reference },
  references: { apply: references },
  // Reads the provider registry, which only the cloud knows.
  providers: runtimeOnly('providers'),
  pickzones: {
    apply: (args, _scope, name) => {
      arity(name, args, 3, 5);
      if (args.length >= 4) intArg(name, args, 3);
      return new RuntimeValue(`${name}(${args.map(toExpressionText).join(', ')})`);
    },
  },
  resourcegroup: {
    apply: (args, scope) => {
      arity('resourceGroup', args, 0);
      const c = scope.context;
      if (c.resourceGroup === undefined)
        throw new ArmTemplateError(
          'InvalidTemplate',
          "The deployment metadata 'resourceGroup' is not valid. A deployment at subscription scope has no resource group: read it in a module scoped to one (Bicep: scope: resourceGroup(name)).",
        );
      const known = {
        id: resourceGroupId(c.subscriptionId, c.resourceGroup),
        name: c.resourceGroup,
        type: 'Microsoft.Resources/resourceGroups',
        location: c.location,
      };
      // Its tags, managedBy and properties are the group's state: read like a reference, runtime until known.
      const state = scope.resolver?.reference(known.id, RESOURCE_GROUP_API_VERSION, true);
      if (isArmObject(state ?? null)) {
        const { tags, managedBy, properties } = state as ArmObject;
        return {
          ...known,
          ...Object.fromEntries(
            Object.entries({ tags, managedBy, properties }).filter(([, v]) => v !== undefined),
          ),
        };
      }
      return new RuntimeValue('resourceGroup()', known);
    },
  },
  subscription: {
    apply: (args, scope) => {
      arity('subscription', args, 0);
      const c = scope.context;
      const known = {
        id: `/subscriptions/${c.subscriptionId}`,
        subscriptionId: c.subscriptionId,
        tenantId: c.tenantId,
      };
      if (c.subscriptionDisplayName !== undefined)
        return { ...known, displayName: c.subscriptionDisplayName };
      return new RuntimeValue('subscription()', known);
    },
  },
  tenant: {
    apply: (args, scope) => {
      arity('tenant', args, 0);
      const tenantId = scope.context.tenantId;
      return new RuntimeValue('tenant()', { id: `/tenants/${tenantId}`, tenantId });
    },
  },
  managementgroup: runtimeOnly('managementGroup'),
};
