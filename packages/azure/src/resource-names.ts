/**
 * ARM's naming rules for the resource types the actions name in their inputs, checked before any call: a name
 * ARM would refuse, or one a URL would turn into another path (`..`, `/`, `#`), never reaches the wire.
 *
 * Sources: learn.microsoft.com "Naming rules and restrictions for Azure resources"
 * (azure-resource-manager/management/resource-name-rules) for the lengths and characters; the resource group
 * and deployment path parameters of azure-rest-api-specs (Microsoft.Resources, `resourceGroupName`:
 * pattern `^[-\w\._\(\)]+$`, 1 to 90 characters; `deploymentName`: the same pattern, 1 to 64).
 */

/** The resource types whose names the actions check. */
export type NamedResourceKind =
  | 'resource group'
  | 'deployment'
  | 'deployment stack'
  | 'container group'
  | 'private endpoint'
  | 'private DNS zone'
  | 'private DNS record set';

/**
 * .NET's `\w`, which the specs' patterns use: letters, marks, digits and connector punctuation of any script.
 * ARM accepts Unicode resource group names ("Unicode characters that match the allowed characters").
 */
const word = String.raw`\p{L}\p{Mn}\p{Nd}\p{Pc}`;

const resourceGroupPattern = new RegExp(`^[-${word}.()]{1,90}$`, 'u');
const deploymentPattern = new RegExp(`^[-${word}.()]{1,64}$`, 'u');
/** Network resources: 2–64 (private endpoints), alphanumerics `_ . -`, start alphanumeric, end alphanumeric or `_`. */
const networkNamePattern = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?$/;
/** Container groups: 1–63 lowercase letters, digits and single hyphens, not at either end. */
const containerGroupPattern = /^(?=.{1,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A DNS label of a private zone or record: 1–63 alphanumerics, `_` or `-`. */
const dnsLabel = /^[A-Za-z0-9_-]{1,63}$/;

/** A name that is nothing but dots is a path step (`.`, `..`) once it is in a URL. */
const dotsOnly = /^\.+$/;

function length(name: string): number {
  return [...name].length;
}

const rules: Record<NamedResourceKind, (name: string) => string | undefined> = {
  'resource group': (name) =>
    resourceGroupPattern.test(name) && !name.endsWith('.')
      ? undefined
      : 'use 1 to 90 letters, digits, dashes, underscores, dots or parentheses, not ending in a dot',
  deployment: (name) =>
    deploymentPattern.test(name) && !dotsOnly.test(name)
      ? undefined
      : 'use 1 to 64 letters, digits, dashes, underscores, dots or parentheses, and not only dots',
  // Microsoft.Resources/deploymentStacks' `deploymentStackName`: `^[-\w\._\(\)]+$`, 1 to 90 characters.
  'deployment stack': (name) =>
    resourceGroupPattern.test(name) && !dotsOnly.test(name)
      ? undefined
      : 'use 1 to 90 letters, digits, dashes, underscores, dots or parentheses, and not only dots',
  'container group': (name) =>
    containerGroupPattern.test(name)
      ? undefined
      : 'use 1 to 63 lowercase letters, digits and single dashes, not starting or ending with a dash',
  'private endpoint': (name) =>
    networkNamePattern.test(name) && length(name) >= 2
      ? undefined
      : 'use 2 to 64 letters, digits, dashes, underscores or dots, starting with a letter or digit and ending with a letter, digit or underscore',
  'private DNS zone': (name) => {
    const labels = name.split('.');
    if (
      length(name) <= 253 &&
      labels.length >= 2 &&
      labels.length <= 34 &&
      labels.every((l) => dnsLabel.test(l))
    )
      return undefined;
    return 'use a DNS name of 2 to 34 labels (at most 253 characters), each 1 to 63 letters, digits, dashes or underscores, such as internal.net';
  },
  'private DNS record set': (name) => {
    if (name === '@') return undefined;
    const labels = name.split('.');
    if (labels.every((l) => dnsLabel.test(l) && !l.startsWith('-') && !l.endsWith('-'))) return undefined;
    return '@ for the zone apex, or labels of 1 to 63 letters, digits, dashes or underscores, not starting or ending with a dash, without a trailing dot';
  },
};

/**
 * What is wrong with `name` as the name of a `kind` resource, as the rule to follow ("use 1 to 90 letters…"),
 * or undefined when ARM accepts it.
 */
export function resourceNameProblem(kind: NamedResourceKind, name: string): string | undefined {
  return rules[kind](name);
}

/** The resource type each kind names, for sentences and id parsing. */
export const namedResourceTypes: Readonly<Record<NamedResourceKind, string>> = {
  'resource group': 'Microsoft.Resources/resourceGroups',
  deployment: 'Microsoft.Resources/deployments',
  'deployment stack': 'Microsoft.Resources/deploymentStacks',
  'container group': 'Microsoft.ContainerInstance/containerGroups',
  'private endpoint': 'Microsoft.Network/privateEndpoints',
  'private DNS zone': 'Microsoft.Network/privateDnsZones',
  'private DNS record set': 'Microsoft.Network/privateDnsZones/A',
};
