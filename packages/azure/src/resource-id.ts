import { namedResourceTypes, resourceNameProblem, type NamedResourceKind } from './resource-names.js';

/** A resource in a resource group, located by the parts of its ARM id. */
export interface ResourceGroupResource {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The kind whose naming rule applies to a top-level type, when the actions know it. */
function kindOf(type: string): NamedResourceKind | undefined {
  const lower = type.toLowerCase();
  return (Object.keys(namedResourceTypes) as NamedResourceKind[]).find(
    (kind) => namedResourceTypes[kind].toLowerCase() === lower,
  );
}

/**
 * Why `id` is not the id of a `type` resource in a resource group, as a phrase ("its subscription is not a
 * GUID"), or undefined when it is one. Ids are compared case-insensitively, as ARM compares them; a segment of
 * `.` or `..`, an empty segment, a subscription that is not a GUID, or a group or name ARM's rules refuse is
 * refused here, because a URL built from it would address another path.
 */
export function resourceGroupResourceIdProblem(id: string, type: string): string | undefined {
  const [namespace, resourceType, ...rest] = type.split('/');
  if (!namespace || !resourceType || rest.length > 0)
    throw new Error(`"${type}" is not a top-level resource type`);
  if (!id.startsWith('/')) return 'it does not start with /subscriptions/';
  const parts = id.split('/');
  if (parts.some((part, i) => i > 0 && (part === '' || part === '.' || part === '..')))
    return 'it has an empty, "." or ".." segment';
  const shape =
    parts.length === 9 &&
    parts[1]!.toLowerCase() === 'subscriptions' &&
    parts[3]!.toLowerCase() === 'resourcegroups' &&
    parts[5]!.toLowerCase() === 'providers' &&
    parts[6]!.toLowerCase() === namespace.toLowerCase() &&
    parts[7]!.toLowerCase() === resourceType.toLowerCase();
  if (!shape) return `it is not of the form /subscriptions/GUID/resourceGroups/GROUP/providers/${type}/NAME`;
  if (!guid.test(parts[2]!)) return 'its subscription is not a GUID';
  const group = resourceNameProblem('resource group', parts[4]!);
  if (group) return `its resource group is not valid (${group})`;
  const kind = kindOf(type);
  const name = kind ? resourceNameProblem(kind, parts[8]!) : undefined;
  if (name) return `its name is not valid (${name})`;
  return undefined;
}

/**
 * Reads `/subscriptions/{s}/resourceGroups/{g}/providers/{type}/{name}` for one top-level resource type (such as
 * `Microsoft.Network/networkInterfaces`), case-insensitively as ARM compares ids; undefined for any other text,
 * including ids that {@link resourceGroupResourceIdProblem} refuses. This is the one reader of such ids.
 */
export function parseResourceGroupResourceId(id: string, type: string): ResourceGroupResource | undefined {
  if (resourceGroupResourceIdProblem(id, type) !== undefined) return undefined;
  const parts = id.split('/');
  return { subscriptionId: parts[2]!, resourceGroup: parts[4]!, name: parts[8]! };
}
