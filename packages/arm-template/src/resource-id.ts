import { ArmTemplateError } from './errors.js';

/** Splits `Namespace/type1/type2` into the namespace and its type segments. */
export function splitResourceType(type: string): { namespace: string; types: string[] } {
  const [namespace, ...types] = type.split('/');
  if (!namespace || types.length === 0 || types.some((t) => t === '')) {
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The resource type '${type}' is not valid: it must read 'Namespace/type[/childType…]'.`,
    );
  }
  return { namespace, types };
}

/** Builds `{scopeId}/providers/{namespace}/{type1}/{name1}/…` for a type and its names, one name per type segment. */
export function buildResourceId(scopeId: string, type: string, names: string[]): string {
  const { namespace, types } = splitResourceType(type);
  const parts = names.flatMap((n) => n.split('/'));
  if (parts.length !== types.length) {
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The resource type '${type}' needs ${types.length} name segment(s), but the name '${names.join('/')}' has ${parts.length}.`,
    );
  }
  const tail = types.map((t, i) => `${t}/${parts[i]}`).join('/');
  return `${scopeId}/providers/${namespace}/${tail}`;
}

/** The id of a resource group. */
export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/** The id of a resource at subscription scope; a resource group's id has no provider segment, and ARM writes it so. */
export function subscriptionLevelId(subscriptionId: string, type: string, names: string[]): string {
  if (
    type.toLowerCase() === 'microsoft.resources/resourcegroups' &&
    names.length === 1 &&
    !names[0]?.includes('/')
  )
    return resourceGroupId(subscriptionId, names[0] as string);
  return buildResourceId(`/subscriptions/${subscriptionId}`, type, names);
}
