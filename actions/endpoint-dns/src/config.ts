import { input, InputError, parseInputs, type Platform } from '@azpn/core';
import { parseResourceGroupResourceId, readAzureConnection, type AzureConnection } from '@azpn/azure';

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
  endpointGroup: input.optionalString('private-endpoint-resource-group'),
  zone: input.string('zone', {
    required:
      'the private DNS zone: its resource id, or its name (such as internal.net) with zone-resource-group',
  }),
  zoneGroup: input.optionalString('zone-resource-group'),
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

function reference(
  inputName: string,
  value: string,
  groupInput: string,
  group: string | undefined,
  subscriptionId: string,
  type: string,
): ResourceReference {
  if (value.startsWith('/')) {
    const parsed = parseResourceGroupResourceId(value, type);
    if (!parsed)
      throw new InputError(
        inputName,
        `Input ${inputName} is "${value}", which is not a ${type} resource id: give /subscriptions/…/resourceGroups/…/providers/${type}/NAME, or a name with ${groupInput}.`,
      );
    return parsed;
  }
  if (!group)
    throw new InputError(
      groupInput,
      `Input ${groupInput} is required when ${inputName} is a name ("${value}"): set it, or give ${inputName} as a resource id.`,
    );
  return { subscriptionId, resourceGroup: group, name: value };
}

/** DNS rules for a relative record name: `@` for the apex, else labels of 1–63 letters, digits, `-` or `_`. */
export function recordNameProblem(name: string, zone: string): string | undefined {
  if (name === '@') return undefined;
  if (name.length === 0 || name.endsWith('.')) return 'a relative name without a trailing dot';
  const labels = name.split('.');
  const bad = labels.find((l) => !/^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(l));
  if (bad !== undefined)
    return `labels of 1 to 63 letters, digits, dashes or underscores, not starting or ending with a dash ("${bad}" is not)`;
  if (name.length + 1 + zone.length > 253) return 'at most 253 characters together with the zone name';
  return undefined;
}

/** Parses and checks every input; the first bad one throws its sentence. */
export function readEndpointDnsConfig(platform: Platform): EndpointDnsConfig {
  const raw = parseInputs(platform.inputs, specs);
  const connection = readAzureConnection(platform);
  const endpoint = reference(
    'private-endpoint',
    raw.endpoint,
    'private-endpoint-resource-group',
    raw.endpointGroup,
    connection.subscriptionId,
    'Microsoft.Network/privateEndpoints',
  );
  const zone = reference(
    'zone',
    raw.zone,
    'zone-resource-group',
    raw.zoneGroup,
    raw.zoneSubscription ?? connection.subscriptionId,
    'Microsoft.Network/privateDnsZones',
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
        `Input record-names has "${name}", which is not a valid DNS record name: use ${problem}.`,
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
