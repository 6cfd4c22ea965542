import { describe, expect, it } from '@jest/globals';
import type { PropertyChange, ResourceChange } from '../src/changes.js';
import { builtInNoiseRules } from '../src/built-in-noise.js';
import {
  classifyChanges,
  driftPropertyCount,
  noiseFilter,
  setNoiseAside,
} from '../src/drift-classification.js';
import { noiseDetails } from '../src/rendering.js';
import { driftFingerprint } from '../src/drift-fingerprint.js';
import { noiseRuleFor, typeMatches, type NoiseRule } from '../src/noise-rules.js';
import { NoiseRuleSyntaxError, readUserNoiseRules } from '../src/user-noise-rules.js';

const group = '/subscriptions/s/resourceGroups/rg/providers';
const nat = `${group}/Microsoft.Network/natGateways/ng`;
const vnet = `${group}/Microsoft.Network/virtualNetworks/hub`;

const natNoise: ResourceChange = {
  resourceId: nat,
  changeType: 'Modify',
  delta: [{ path: 'sku.tier', propertyChangeType: 'Delete', before: 'Regional' }],
};

function subnetChange(children: ResourceChange['delta']): ResourceChange {
  return {
    resourceId: vnet,
    changeType: 'Modify',
    delta: [
      {
        path: 'properties.subnets',
        propertyChangeType: 'Array',
        children: [{ path: '1', propertyChangeType: 'Modify', children }],
      },
    ],
  };
}

describe('noise rules', () => {
  it('match resource types by glob, one segment per star, without regard to case', () => {
    expect(typeMatches('Microsoft.Network/*', 'microsoft.network/natGateways')).toBe(true);
    expect(typeMatches('Microsoft.Network/*', 'Microsoft.Network/privateDnsZones/A')).toBe(false);
    expect(typeMatches('Microsoft.Network/privateDnsZones/*', 'Microsoft.Network/privateDnsZones/A')).toBe(
      true,
    );
  });

  it('cover the property they name and what is under it, unless exact; only the kinds and values they list', () => {
    const rule: NoiseRule = {
      type: 'Microsoft.Network/*',
      path: 'properties.subnets.*.properties.delegations',
      source: 's',
      reason: 'r',
    };
    const leaf = (path: string, kind = 'Delete', before?: unknown) => ({
      path: path.split('.'),
      kind,
      before,
    });
    expect(
      noiseRuleFor(
        [rule],
        'Microsoft.Network/virtualNetworks',
        leaf('properties.subnets.3.properties.delegations.0.id'),
      ),
    ).toBe(rule);
    expect(
      noiseRuleFor(
        [rule],
        'Microsoft.Network/virtualNetworks',
        leaf('properties.subnets.3.properties.addressPrefix'),
      ),
    ).toBeUndefined();
    expect(
      noiseRuleFor(
        [{ ...rule, exact: true }],
        'Microsoft.Network/virtualNetworks',
        leaf('properties.subnets.3.properties.delegations.0.id'),
      ),
    ).toBeUndefined();
    const defaulted: NoiseRule = { ...rule, path: 'sku.tier', kinds: ['Delete'], before: ['Regional'] };
    expect(
      noiseRuleFor([defaulted], 'Microsoft.Network/natGateways', leaf('sku.tier', 'Delete', 'Regional')),
    ).toBe(defaulted);
    expect(
      noiseRuleFor([defaulted], 'Microsoft.Network/natGateways', leaf('sku.tier', 'Delete', 'Global')),
    ).toBeUndefined();
    expect(
      noiseRuleFor([defaulted], 'Microsoft.Network/natGateways', leaf('sku.tier', 'Modify', 'Regional')),
    ).toBeUndefined();
  });

  it('every built-in rule names the public report it comes from', () => {
    for (const rule of builtInNoiseRules) expect(rule.source).toMatch(/^Azure\/arm-template-whatif#\d+$/);
  });
});

describe('the reported cases the local cloud does not answer, as each report shows them', () => {
  // The local cloud's what-if reproduces #418, #184, #99, #168, #61 (connection id), #341 and #393 (see
  // noise-against-local-cloud.test.ts). These reports show members it does not answer; each case below is the
  // what-if output its report quotes, which must classify as noise, and a real change of the same member as drift.
  const nic = `${group}/Microsoft.Network/networkInterfaces/vm-nic`;
  const removedMember = (path: string, before: unknown) => ({
    path,
    propertyChangeType: 'Delete' as const,
    before,
  });
  const inConfig = (child: PropertyChange) => ({
    path: 'properties.ipConfigurations',
    propertyChangeType: 'Array' as const,
    children: [{ path: '0', propertyChangeType: 'Modify' as const, children: [child] }],
  });
  const cases: [string, ResourceChange][] = [
    [
      // Azure/arm-template-whatif#369 and #356: a NIC redeployed unchanged shows the service's members removed (its
      // dynamic address is #168's case).
      'Azure/arm-template-whatif#369 #356 #168',
      {
        resourceId: nic,
        changeType: 'Modify',
        delta: [
          removedMember('kind', 'Regular'),
          removedMember('properties.allowPort25Out', true),
          removedMember('properties.auxiliaryMode', 'None'),
          removedMember('properties.auxiliarySku', 'None'),
          removedMember('properties.disableTcpStateTracking', false),
          inConfig(removedMember('properties.privateIPAddress', '10.55.17.132')),
          inConfig(removedMember('properties.privateIPAddressVersion', 'IPv4')),
        ],
      },
    ],
    [
      // Azure/arm-template-whatif#363: a zone group's configuration shows its read-only members removed.
      'Azure/arm-template-whatif#363',
      {
        resourceId: `${group}/Microsoft.Network/privateEndpoints/pe/privateDnsZoneGroups/default`,
        changeType: 'Modify',
        delta: [
          {
            path: 'properties.privateDnsZoneConfigs',
            propertyChangeType: 'Array',
            children: [
              {
                path: '0',
                propertyChangeType: 'Modify',
                children: ['etag', 'id', 'type', 'properties.provisioningState'].map((member) =>
                  removedMember(member, member === 'properties.provisioningState' ? 'Succeeded' : 'x'),
                ),
              },
            ],
          },
        ],
      },
    ],
    [
      // Azure/arm-template-whatif#61: the endpoint's DNS configuration, filled by the service.
      'Azure/arm-template-whatif#61',
      {
        resourceId: `${group}/Microsoft.Network/privateEndpoints/pe`,
        changeType: 'Modify',
        delta: [
          removedMember('properties.customDnsConfigs', [{ fqdn: 'x.example', ipAddresses: ['10.0.0.4'] }]),
        ],
      },
    ],
  ];

  it.each(cases)('%s: noise, not drift', (reports, change) => {
    const result = classifyChanges([change], builtInNoiseRules);
    expect(result.drift).toEqual([]);
    expect([...new Set(result.noise.map((n) => n.source))].sort()).toEqual(
      reports
        .split(' ')
        .map((r) => (r.startsWith('#') ? `Azure/arm-template-whatif${r}` : r))
        .sort(),
    );
  });

  it('a NIC member changed away from the default the reports show is drift', () => {
    const change: ResourceChange = {
      resourceId: nic,
      changeType: 'Modify',
      delta: [
        { path: 'properties.auxiliaryMode', propertyChangeType: 'Modify', before: 'Floating', after: 'None' },
        removedMember('properties.disableTcpStateTracking', true),
        inConfig(removedMember('properties.privateIPAddressVersion', 'IPv6')),
      ],
    };
    expect(driftPropertyCount(classifyChanges([change], builtInNoiseRules).drift[0]!)).toBe(3);
  });
});

describe('classifyChanges', () => {
  it('a change whose every property is noise or NoEffect is no drift; the noise is listed with its source', () => {
    const effectless: ResourceChange = {
      resourceId: `${group}/Microsoft.Network/publicIPAddresses/pip`,
      changeType: 'Modify',
      delta: [
        { path: 'properties.ipAddress', propertyChangeType: 'NoEffect', before: '1.2.3.4', after: '1.2.3.5' },
      ],
    };
    const result = classifyChanges(
      [natNoise, effectless, { resourceId: vnet, changeType: 'NoChange' }],
      builtInNoiseRules,
    );
    expect(result.drift).toEqual([]);
    expect(result.noise).toEqual([
      {
        resourceId: nat,
        path: 'sku.tier',
        kind: 'Delete',
        source: 'Azure/arm-template-whatif#418',
        reason: expect.any(String),
      },
    ]);
  });

  it('reduces a change with noise and drift to its drift, keeping the tree what-if answered', () => {
    const change = subnetChange([
      { path: 'properties.privateEndpointNetworkPolicies', propertyChangeType: 'Delete', before: 'Disabled' },
      {
        path: 'properties.addressPrefix',
        propertyChangeType: 'Modify',
        before: '10.0.9.0/24',
        after: '10.0.1.0/24',
      },
    ]);
    const { drift, noise } = classifyChanges([change], builtInNoiseRules);
    expect(drift).toEqual([
      subnetChange([
        {
          path: 'properties.addressPrefix',
          propertyChangeType: 'Modify',
          before: '10.0.9.0/24',
          after: '10.0.1.0/24',
        },
      ]),
    ]);
    expect(noise.map((n) => n.path)).toEqual([
      'properties.subnets.1.properties.privateEndpointNetworkPolicies',
    ]);
    expect(driftPropertyCount(drift[0]!)).toBe(1);
  });

  it('a defaulted property changed away from its default is drift, not noise', () => {
    const change = subnetChange([
      { path: 'properties.privateEndpointNetworkPolicies', propertyChangeType: 'Delete', before: 'Enabled' },
    ]);
    expect(classifyChanges([change], builtInNoiseRules).drift).toEqual([change]);
  });

  it('a resource deleted out of band (Create) is drift; Ignore is skipped; Deploy and Unsupported are unchecked', () => {
    const created: ResourceChange = { resourceId: nat, changeType: 'Create', after: {} };
    const deploy: ResourceChange = { resourceId: vnet, changeType: 'Deploy' };
    const result = classifyChanges([created, deploy, { resourceId: vnet, changeType: 'Ignore' }], []);
    expect(result).toEqual({ drift: [created], noise: [], unchecked: [deploy] });
  });

  it('user rules from the noise-rules input silence what they name', () => {
    const rules = readUserNoiseRules({
      'Microsoft.Network/virtualNetworks': ['properties.subnets.*.properties.addressPrefix'],
    });
    const change = subnetChange([
      { path: 'properties.addressPrefix', propertyChangeType: 'Modify', before: 'a', after: 'b' },
    ]);
    expect(classifyChanges([change], rules).drift).toEqual([]);
  });
});

describe('noiseFilter', () => {
  it('as a ChangeFilter: drops a change that is only noise, reduces a mixed one, passes other changes', () => {
    const filter = noiseFilter(builtInNoiseRules);
    const mixed = subnetChange([
      {
        path: 'properties.privateLinkServiceNetworkPolicies',
        propertyChangeType: 'Delete',
        before: 'Enabled',
      },
      { path: 'properties.natGateway', propertyChangeType: 'Delete', before: { id: 'x' } },
    ]);
    expect(filter(natNoise)).toBeUndefined();
    expect(filter(mixed)).toEqual(
      subnetChange([{ path: 'properties.natGateway', propertyChangeType: 'Delete', before: { id: 'x' } }]),
    );
    const created: ResourceChange = { resourceId: nat, changeType: 'Create' };
    expect(filter(created)).toBe(created);
  });
});

describe('setNoiseAside', () => {
  it('shows a resource with only noise as NoChange and lists the noise with its report under the table', () => {
    const { changes, noise } = setNoiseAside(
      [{ ...natNoise, before: { a: 1 }, after: { a: 1 } }],
      builtInNoiseRules,
    );
    expect(changes).toEqual([{ resourceId: nat, changeType: 'NoChange', before: { a: 1 }, after: { a: 1 } }]);
    const details = noiseDetails(noise);
    expect(details).toContain(
      '<summary>1 changed property of 1 resource set aside as known what-if noise</summary>',
    );
    expect(details).toContain(
      '| Microsoft.Network/natGateways ng | `sku.tier` | Azure/arm-template-whatif#418 |',
    );
    expect(noiseDetails([])).toBe('');
  });
});

describe('readUserNoiseRules', () => {
  it('reads a mapping of type globs to path lists, and refuses anything else naming the fault', () => {
    expect(readUserNoiseRules({ 'Microsoft.Network/*': 'tags.reviewed' })).toEqual([
      {
        type: 'Microsoft.Network/*',
        path: 'tags.reviewed',
        source: 'noise-rules input',
        reason: expect.any(String),
      },
    ]);
    expect(readUserNoiseRules(undefined)).toEqual([]);
    expect(() => readUserNoiseRules(['x'])).toThrow(NoiseRuleSyntaxError);
    expect(() => readUserNoiseRules({ natGateways: ['sku'] })).toThrow(
      'names "natGateways", which is not a resource type',
    );
    expect(() => readUserNoiseRules({ 'Microsoft.Network/natGateways': [] })).toThrow(
      'no list of property paths',
    );
    expect(() => readUserNoiseRules({ 'Microsoft.Network/natGateways': ['sku..tier'] })).toThrow(
      'is not a dotted property path',
    );
  });
});

describe('driftFingerprint', () => {
  const tagDrift: ResourceChange = {
    resourceId: vnet,
    changeType: 'Modify',
    delta: [
      { path: 'tags.env', propertyChangeType: 'Modify', before: 'prod', after: 'test' },
      { path: 'tags.owner', propertyChangeType: 'Delete', before: { b: 1, a: 2 } },
    ],
  };

  it('is the same for the same drift in another order, with other letter case, and members in another order', () => {
    const reordered: ResourceChange = {
      ...tagDrift,
      resourceId: vnet.toUpperCase(),
      delta: [
        { path: 'tags.owner', propertyChangeType: 'Delete', before: { a: 2, b: 1 } },
        { path: 'tags.env', propertyChangeType: 'Modify', before: 'prod', after: 'test' },
      ],
    };
    const created: ResourceChange = { resourceId: nat, changeType: 'Create' };
    expect(driftFingerprint([created, reordered])).toBe(driftFingerprint([tagDrift, created]));
    expect(driftFingerprint([tagDrift])).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes with any value, property, kind or resource', () => {
    const other = (delta: ResourceChange['delta']) => driftFingerprint([{ ...tagDrift, delta }]);
    const base = driftFingerprint([tagDrift]);
    expect(
      other([{ path: 'tags.env', propertyChangeType: 'Modify', before: 'prod', after: 'dev' }]),
    ).not.toBe(base);
    expect(other([{ path: 'tags.env', propertyChangeType: 'Delete', before: 'prod' }])).not.toBe(
      other([{ path: 'tags.env', propertyChangeType: 'Create', after: 'prod' }]),
    );
    expect(driftFingerprint([{ ...tagDrift, resourceId: nat }])).not.toBe(base);
    expect(driftFingerprint([])).not.toBe(base);
  });
});
