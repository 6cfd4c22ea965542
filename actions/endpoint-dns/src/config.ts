import { input, InputError, parseInputs, quoteValue, type Platform } from '@azpn/core';
import {
  checkResourceName,
  optionalResourceNameInput,
  readAzureConnection,
  resourceGroupResourceIdProblem,
  resourceNameProblem,
  type AzureConnection,
  type NamedResourceKind,
} from '@azpn/azure';

/** A resource named by id, or by name and resource group, with the subscription it lives in. */
export interface ResourceReference {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const specs = {
  endpoint: input.string('private-endpoint', {
    required:
      'the private endpoint whose addresses to publish: its resource id, or its name with private-endpoint-resource-group',
  }),
  endpointGroup: optionalResourceNameInput('private-endpoint-resource-group', 'resource group'),
  zone: input.string('zone', {
    required:
      'the private DNS zone: its resource id, or its name (such as internal.net) with zone-resource-group',
  }),
  zoneGroup: optionalResourceNameInput('zone-resource-group', 'resource group'),
  zoneSubscription: input.optionalString('zone-subscription-id', {
    pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    rule: 'use a GUID such as 00000000-0000-0000-0000-000000000000',
  }),
  records: input.lines('record-names'),
  ttl: input.integer('ttl', { default: 10, min: 1, max: 2147483647 }),
  prune: input.boolean('prune', { default: false }),
};

/** What the action needs, checked before any Azure call. */
export interface EndpointDnsConfig {
  endpoint: ResourceReference;
  zone: ResourceReference;
  records: string[];
  ttl: number;
  prune: boolean;
  connection: AzureConnection;
}

/** How one resource input is given: its input, the input of its group, the kind and type it names. */
interface ReferenceInput {
  input: string;
  groupInput: string;
  kind: NamedResourceKind;
  type: string;
}

function reference(
  spec: ReferenceInput,
  value: string,
  group: string | undefined,
  subscriptionId: string,
): ResourceReference {
  // Anything with a slash is meant as an id: an id without its leading slash is refused as one, naming why.
  if (value.includes('/')) {
    const problem = resourceGroupResourceIdProblem(value, spec.type);
    if (problem)
      throw new InputError(
        spec.input,
        `Input ${spec.input} is ${quoteValue(value)}, which is not a ${spec.type} resource id (${problem}): give /subscriptions/GUID/resourceGroups/GROUP/providers/${spec.type}/NAME, or a name with ${spec.groupInput}.`,
      );
    const parts = value.split('/');
    return { subscriptionId: parts[2]!, resourceGroup: parts[4]!, name: parts[8]! };
  }
  checkResourceName(spec.input, spec.kind, value);
  if (!group)
    throw new InputError(
      spec.groupInput,
      `Input ${spec.groupInput} is required when ${spec.input} is a name (${quoteValue(value)}): set it, or give ${spec.input} as a resource id.`,
    );
  return { subscriptionId, resourceGroup: group, name: value };
}

/**
 * What is wrong with a relative record name in `zone`: ARM's rule for record sets (`@` for the apex, else labels
 * of 1–63 letters, digits, `-` or `_`), and DNS's 253 characters with the zone name.
 */
export function recordNameProblem(name: string, zone: string): string | undefined {
  const problem = resourceNameProblem('private DNS record set', name);
  if (problem) return problem;
  if (name !== '@' && name.length + 1 + zone.length > 253)
    return `at most ${252 - zone.length} characters, so that with the zone name ${zone} it stays within DNS's 253`;
  return undefined;
}

/** Parses and checks every input; the first bad one throws its sentence. */
export function readEndpointDnsConfig(platform: Platform): EndpointDnsConfig {
  const raw = parseInputs(platform.inputs, specs);
  const connection = readAzureConnection(platform);
  const endpoint = reference(
    {
      input: 'private-endpoint',
      groupInput: 'private-endpoint-resource-group',
      kind: 'private endpoint',
      type: 'Microsoft.Network/privateEndpoints',
    },
    raw.endpoint,
    raw.endpointGroup,
    connection.subscriptionId,
  );
  const zone = reference(
    {
      input: 'zone',
      groupInput: 'zone-resource-group',
      kind: 'private DNS zone',
      type: 'Microsoft.Network/privateDnsZones',
    },
    raw.zone,
    raw.zoneGroup,
    raw.zoneSubscription ?? connection.subscriptionId,
  );
  if (raw.records.length === 0) {
    throw new InputError(
      'record-names',
      'Input record-names is empty: give the record name(s) to publish, one a line, such as onprem-server (or @ for the zone apex).',
    );
  }
  for (const name of raw.records) {
    const problem = recordNameProblem(name, zone.name);
    if (problem)
      throw new InputError(
        'record-names',
        `Input record-names has ${quoteValue(name)}, which is not a valid DNS record name: use ${problem.replace(/^use /, '')}.`,
      );
  }
  return {
    endpoint,
    zone,
    records: [...new Set(raw.records.map((r) => r.toLowerCase()))],
    ttl: raw.ttl,
    prune: raw.prune,
    connection,
  };
}
