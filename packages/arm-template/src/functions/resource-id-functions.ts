import { ArmTemplateError } from '../errors.js';
import { resourceGroupId } from '../resource-id.js';
import type { Scope } from '../scope.js';
import type { ArmValue } from '../values.js';
import { arity, stringArg } from './arguments.js';
import type { FunctionFamily } from './registry.js';

/**
 * ARM's resource id functions (`resourceId`, `subscriptionResourceId`, `tenantResourceId`, `extensionResourceId`,
 * `managementGroupResourceId`) read their arguments the same way, checked against `bicep snapshot`:
 * - exactly one argument holds a `/`: the resource type (so a name holding `/` is refused, naming every argument);
 * - the type comes after at most the function's scope arguments (subscription, resource group, management group);
 * - the type's trailing slashes are dropped, and it needs one name argument per segment after the namespace;
 * - the id is built from the non-empty type segments and non-empty names, paired in order.
 */
function refused(name: string, detail: string): ArmTemplateError {
  return new ArmTemplateError(
    'InvalidTemplate',
    `Unable to evaluate template language function '${name}': ${detail}. Please see https://aka.ms/arm-resource-functions/#${name.toLowerCase()} for usage details.`,
  );
}

interface IdArguments {
  /** The scope arguments before the type (subscription id, resource group, management group). */
  leading: string[];
  /** `Namespace/type1/name1/…`: the id's tail after `/providers/`. */
  tail: string;
}

function readIdArguments(name: string, args: string[], maxLeading: number): IdArguments {
  const typed = args.filter((a) => a.includes('/'));
  if (typed.length !== 1) {
    throw refused(
      name,
      `function requires exactly one multi-segmented argument which must be resource type including resource provider namespace. Current function arguments '${args.join(',')}'`,
    );
  }
  const typeIndex = args.indexOf(typed[0] as string);
  const type = (typed[0] as string).replace(/\/+$/, '');
  if (typeIndex > maxLeading) {
    throw refused(
      name,
      `function requires fully qualified resource type '${type}' as one of first ${maxLeading + 1} arguments`,
    );
  }
  const names = args.slice(typeIndex + 1);
  const needed = type.split('/').length - 1;
  if (names.length !== needed)
    throw refused(name, `the type '${type}' requires '${needed}' resource name argument(s)`);
  const [namespace = '', ...types] = type.split('/').filter((s) => s !== '');
  const given = names.filter((n) => n !== '');
  const pairs = types.slice(0, given.length).map((t, i) => `${t}/${given[i] as string}`);
  return { leading: args.slice(0, typeIndex), tail: `${namespace}/${pairs.join('/')}` };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkSubscriptionId(name: string, subscriptionId: string): string {
  if (GUID.test(subscriptionId)) return subscriptionId;
  throw new ArmTemplateError(
    'InvalidTemplate',
    `The provided value '${subscriptionId}' is not valid subscription identifier. Please see https://aka.ms/arm-resource-functions/#${name.toLowerCase()} for usage details.`,
  );
}

function strings(name: string, args: ArmValue[], min: number): string[] {
  arity(name, args, min, Infinity);
  return args.map((_v, i) => stringArg(name, args, i));
}

function resourceId(args: ArmValue[], scope: Scope): string {
  // At subscription scope there is no resource group to default to: ARM reads it as subscriptionResourceId.
  if (scope.context.resourceGroup === undefined) return subscriptionResourceId(args, scope);
  const { leading, tail } = readIdArguments('resourceId', strings('resourceId', args, 2), 2);
  const subscriptionId =
    leading.length === 2
      ? checkSubscriptionId('resourceId', leading[0] as string)
      : scope.context.subscriptionId;
  const group = leading.length >= 1 ? (leading[leading.length - 1] as string) : scope.context.resourceGroup;
  return `${resourceGroupId(subscriptionId, group)}/providers/${tail}`;
}

function subscriptionResourceId(args: ArmValue[], scope: Scope): string {
  const name = 'subscriptionResourceId';
  const { leading, tail } = readIdArguments(name, strings(name, args, 2), 1);
  const subscriptionId =
    leading[0] === undefined ? scope.context.subscriptionId : checkSubscriptionId(name, leading[0]);
  // A resource group's id has no provider segment, and ARM writes it so.
  const group = /^microsoft\.resources\/resourcegroups\/([^/]*)$/i.exec(tail);
  if (group) return resourceGroupId(subscriptionId, group[1] as string);
  return `/subscriptions/${subscriptionId}/providers/${tail}`;
}

function tenantResourceId(args: ArmValue[]): string {
  const { tail } = readIdArguments('tenantResourceId', strings('tenantResourceId', args, 2), 0);
  return `/providers/${tail}`;
}

function extensionResourceId(args: ArmValue[]): string {
  const name = 'extensionResourceId';
  const [scopeId = '', ...rest] = strings(name, args, 3);
  // ARM reads the parent as a path of two segments or more, empty segments dropped, and writes it rooted.
  const segments = scopeId.split('/').filter((s) => s !== '');
  if (segments.length < 2)
    throw refused(name, `the provided parent resource id '${scopeId}' is not a valid uri`);
  const parent = `/${segments.join('/')}`;
  return `${parent}/providers/${readIdArguments(name, rest, 0).tail}`;
}

function managementGroupResourceId(args: ArmValue[]): string {
  const name = 'managementGroupResourceId';
  const { leading, tail } = readIdArguments(name, strings(name, args, 2), 1);
  if (!leading[0])
    throw refused(name, 'needs the management group id when the deployment is not at management group scope');
  return `/providers/Microsoft.Management/managementGroups/${leading[0]}/providers/${tail}`;
}

/** The resource id functions of the ARM template language. */
export const resourceIdFunctions: FunctionFamily = {
  resourceid: { apply: resourceId },
  subscriptionresourceid: { apply: subscriptionResourceId },
  tenantresourceid: { apply: tenantResourceId },
  extensionresourceid: { apply: extensionResourceId },
  managementgroupresourceid: { apply: managementGroupResourceId },
};
