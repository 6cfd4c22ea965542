import type { Exchange, Reply } from '../../http/exchange.js';
import type { ArmContext } from '../../arm/arm-provider.js';
import { armError } from '../../arm/arm-error.js';
import type { ResourceAddress } from '../../arm/generic-resources.js';
import { newEtag } from '../../subnet-addressing/network-records.js';
import { validateNetworkBody } from './network-schemas.js';
import type { ResourceRecord } from '../../arm/resource-store.js';
import { inResourceMap, servePut } from '../../arm/resource-put.js';
import { networkOperation, serveNetworkDelete } from './network-operation.js';
import { invalidTopLevelBody, networkRecord, subnetsReferencing } from './network-resource-record.js';

type Json = Record<string, unknown>;
type Rule = { name: string; properties: Json };

/** The six rules Azure adds to every NSG, lowest precedence, answered in `defaultSecurityRules`. */
const defaultRules: [string, string, number, string, string, string, string][] = [
  [
    'AllowVnetInBound',
    'Inbound',
    65000,
    'Allow',
    'VirtualNetwork',
    'VirtualNetwork',
    'Allow inbound traffic from all VMs in VNET',
  ],
  [
    'AllowAzureLoadBalancerInBound',
    'Inbound',
    65001,
    'Allow',
    'AzureLoadBalancer',
    '*',
    'Allow inbound traffic from azure load balancer',
  ],
  ['DenyAllInBound', 'Inbound', 65500, 'Deny', '*', '*', 'Deny all inbound traffic'],
  [
    'AllowVnetOutBound',
    'Outbound',
    65000,
    'Allow',
    'VirtualNetwork',
    'VirtualNetwork',
    'Allow outbound traffic from all VMs to all VMs in VNET',
  ],
  [
    'AllowInternetOutBound',
    'Outbound',
    65001,
    'Allow',
    '*',
    'Internet',
    'Allow outbound traffic from all VMs to Internet',
  ],
  ['DenyAllOutBound', 'Outbound', 65500, 'Deny', '*', '*', 'Deny all outbound traffic'],
];

function ruleRecord(nsgId: string, collection: string, rule: Rule): Json {
  return {
    id: `${nsgId}/${collection}/${rule.name}`,
    name: rule.name,
    etag: newEtag(),
    type: `Microsoft.Network/networkSecurityGroups/${collection}`,
    properties: {
      sourcePortRanges: [],
      destinationPortRanges: [],
      sourceAddressPrefixes: [],
      destinationAddressPrefixes: [],
      ...rule.properties,
      provisioningState: 'Succeeded',
    },
  };
}

function defaultRuleRecords(nsgId: string): Json[] {
  return defaultRules.map(([name, direction, priority, access, source, destination, description]) =>
    ruleRecord(nsgId, 'defaultSecurityRules', {
      name,
      properties: {
        description,
        protocol: '*',
        sourcePortRange: '*',
        destinationPortRange: '*',
        sourceAddressPrefix: source,
        destinationAddressPrefix: destination,
        access,
        priority,
        direction,
      },
    }),
  );
}

/** The first problem of the security rules: an out-of-range value, or two rules with one priority and direction. */
function checkRules(rules: Rule[]): Reply | undefined {
  const seen = new Map<string, string>();
  for (const rule of rules) {
    const p = rule.properties ?? {};
    const priority = p.priority;
    if (!Number.isInteger(priority) || (priority as number) < 100 || (priority as number) > 4096)
      return armError(
        400,
        'SecurityRuleInvalidPriority',
        `Security rule ${rule.name} has invalid Priority ${String(priority)}. Value provided: ${String(priority)} Allowed range 100-4096.`,
      );
    const bad = (
      [
        ['direction', ['Inbound', 'Outbound']],
        ['access', ['Allow', 'Deny']],
        ['protocol', ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*']],
      ] as [string, string[]][]
    ).find(([field, allowed]) => !allowed.includes(String(p[field])));
    if (bad !== undefined)
      return armError(
        400,
        'SecurityRuleParameterContainsUnsupportedValue',
        `Security rule parameter ${bad[0]} for rule with Id ${rule.name} cannot be '${String(p[bad[0]])}': use one of ${bad[1].join(', ')}.`,
      );
    const key = `${String(p.direction)} ${String(priority)}`;
    const other = seen.get(key);
    if (other !== undefined)
      return armError(
        400,
        'SecurityRuleConflict',
        `Security rule ${other} conflicts with rule ${rule.name}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.`,
      );
    seen.set(key, rule.name);
  }
  return undefined;
}

/** The record of a network security group: its rules checked and given ids, Azure's default rules added. */
function securityGroupRecord(
  address: ResourceAddress,
  body: Json,
  existing: ResourceRecord | undefined,
): ResourceRecord | Reply {
  const rules = (((body.properties as Json | undefined)?.securityRules as Rule[] | undefined) ?? []).map(
    (r) => ({ ...r, properties: r.properties ?? {} }),
  );
  const invalid = checkRules(rules);
  if (invalid !== undefined) return invalid;
  const id = existing?.id ?? address.id;
  const record = networkRecord(address, body, existing, {
    securityRules: rules.map((rule) => ruleRecord(id, 'securityRules', rule)),
    defaultSecurityRules: defaultRuleRecords(id),
  });
  delete record.properties.subnets;
  delete record.properties.networkInterfaces;
  return record;
}

/** PUT a network security group. */
export function putSecurityGroup(exchange: Exchange, context: ArmContext, address: ResourceAddress): Reply {
  return servePut<Json, ResourceRecord>(exchange, context, {
    validate: (raw) => validateNetworkBody('networkSecurityGroup', raw) ?? invalidTopLevelBody(raw),
    ...inResourceMap(context, address.id),
    build: (body, existing) => securityGroupRecord(address, body, existing),
    operation: (record) => networkOperation(address, record.location!),
  });
}

/** DELETE a network security group: InUseNetworkSecurityGroupCannotBeDeleted while a subnet uses it. */
export function deleteSecurityGroup(
  exchange: Exchange,
  context: ArmContext,
  address: ResourceAddress,
): Reply {
  const refuse = (record: ResourceRecord) => {
    const subnet = subnetsReferencing(context, 'networkSecurityGroup', record.id)[0];
    if (subnet === undefined) return undefined;
    return armError(
      400,
      'InUseNetworkSecurityGroupCannotBeDeleted',
      `Network security group ${record.id} cannot be deleted because it is in use by the following resources: ${subnet.id}. In order to delete the Network security group, remove the association with the resource(s).`,
    );
  };
  return serveNetworkDelete(exchange, context, address, { refuse });
}
