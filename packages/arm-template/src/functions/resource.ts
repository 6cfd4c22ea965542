import { functionError } from '../errors.js';
import { buildResourceId, resourceGroupId, subscriptionLevelId } from '../resource-id.js';
import type { Scope } from '../scope.js';
import { type ArmObject, type ArmValue, isArmObject, RuntimeValue, toExpressionText } from '../values.js';
import { arity, intArg, stringArg } from './arguments.js';
import type { ArmFunction, FunctionFamily } from './registry.js';

function stringArgs(name: string, args: ArmValue[]): string[] {
  return args.map((_v, i) => stringArg(name, args, i));
}

/** Splits resourceId-style arguments into the leading scope arguments and the type with its names. */
function typeAndNames(
  name: string,
  args: string[],
  maxLeading: number,
): { leading: string[]; type: string; names: string[] } {
  const typeIndex = args.findIndex((a, i) => i <= maxLeading && /^[^/]+\.[^/]+\/[^/]+/.test(a));
  if (typeIndex < 0)
    throw functionError(name, 'needs a resource type such as Microsoft.Network/virtualNetworks');
  return {
    leading: args.slice(0, typeIndex),
    type: args[typeIndex] as string,
    names: args.slice(typeIndex + 1),
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkSubscriptionId(name: string, subscriptionId: string): string {
  if (!GUID.test(subscriptionId)) {
    throw functionError(
      name,
      `got '${subscriptionId}', which is not a valid subscription identifier (a GUID)`,
    );
  }
  return subscriptionId;
}

function resourceId(args: ArmValue[], scope: Scope): string {
  arity('resourceId', args, 2, Infinity);
  const { leading, type, names } = typeAndNames('resourceId', stringArgs('resourceId', args), 2);
  const subscriptionId = leading.length === 2 ? (leading[0] as string) : scope.context.subscriptionId;
  const group = leading.length >= 1 ? (leading[leading.length - 1] as string) : scope.context.resourceGroup;
  return buildResourceId(
    resourceGroupId(checkSubscriptionId('resourceId', subscriptionId), group),
    type,
    names,
  );
}

function subscriptionResourceId(args: ArmValue[], scope: Scope): string {
  arity('subscriptionResourceId', args, 2, Infinity);
  const { leading, type, names } = typeAndNames(
    'subscriptionResourceId',
    stringArgs('subscriptionResourceId', args),
    1,
  );
  const subscriptionId = checkSubscriptionId(
    'subscriptionResourceId',
    leading[0] ?? scope.context.subscriptionId,
  );
  return subscriptionLevelId(subscriptionId, type, names);
}

function tenantResourceId(args: ArmValue[]): string {
  arity('tenantResourceId', args, 2, Infinity);
  const { type, names } = typeAndNames('tenantResourceId', stringArgs('tenantResourceId', args), 0);
  return buildResourceId('', type, names);
}

function extensionResourceId(args: ArmValue[]): string {
  arity('extensionResourceId', args, 3, Infinity);
  const [scopeId, type, ...names] = stringArgs('extensionResourceId', args);
  return buildResourceId(scopeId as string, type as string, names);
}

function managementGroupResourceId(args: ArmValue[]): string {
  arity('managementGroupResourceId', args, 2, Infinity);
  const all = stringArgs('managementGroupResourceId', args);
  const { leading, type, names } = typeAndNames('managementGroupResourceId', all, 1);
  if (!leading[0])
    throw functionError(
      'managementGroupResourceId',
      'needs the management group id when the deployment is not at management group scope',
    );
  return buildResourceId(`/providers/Microsoft.Management/managementGroups/${leading[0]}`, type, names);
}

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
  const members: Record<string, ArmValue> =
    full && declared ? { id: declared.id, name: declared.name, type: declared.type } : {};
  if (full && version) members.apiVersion = version;
  if (body && declared) {
    const source = full ? { ...members, ...body } : body.properties;
    if (isArmObject(source ?? null)) return predicted(text, source as ArmObject);
  }
  return new RuntimeValue(text, members);
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
  resourceid: { apply: resourceId },
  subscriptionresourceid: { apply: subscriptionResourceId },
  tenantresourceid: { apply: tenantResourceId },
  extensionresourceid: { apply: extensionResourceId },
  managementgroupresourceid: { apply: managementGroupResourceId },
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
      return {
        id: resourceGroupId(c.subscriptionId, c.resourceGroup),
        name: c.resourceGroup,
        type: 'Microsoft.Resources/resourceGroups',
        location: c.location,
        properties: { provisioningState: 'Succeeded' },
      };
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
