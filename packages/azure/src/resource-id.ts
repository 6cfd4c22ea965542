/** A resource in a resource group, located by the parts of its ARM id. */
export interface ResourceGroupResource {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/**
 * Reads `/subscriptions/{s}/resourceGroups/{g}/providers/{type}/{name}` for one top-level resource type (such as
 * `Microsoft.Network/networkInterfaces`), case-insensitively as ARM compares ids; undefined for any other text.
 */
export function parseResourceGroupResourceId(id: string, type: string): ResourceGroupResource | undefined {
  const [namespace, resourceType, ...rest] = type.split('/');
  if (!namespace || !resourceType || rest.length > 0)
    throw new Error(`"${type}" is not a top-level resource type`);
  const parts = id.split('/');
  if (
    parts.length !== 9 ||
    parts[0] !== '' ||
    parts[1]!.toLowerCase() !== 'subscriptions' ||
    parts[3]!.toLowerCase() !== 'resourcegroups' ||
    parts[5]!.toLowerCase() !== 'providers' ||
    parts[6]!.toLowerCase() !== namespace.toLowerCase() ||
    parts[7]!.toLowerCase() !== resourceType.toLowerCase() ||
    [parts[2], parts[4], parts[8]].some((part) => !part)
  )
    return undefined;
  return { subscriptionId: parts[2]!, resourceGroup: parts[4]!, name: parts[8]! };
}
