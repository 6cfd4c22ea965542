import { describe, expect, it } from '@jest/globals';
import { changesSomething, resourceDelta } from '../src/internal/providers/deployments/what-if-delta.js';
import { whatIfLeaves } from './what-if-leaves.js';

const vnetId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub';
const vnet = 'Microsoft.Network/virtualNetworks';

/** A VNet as the Network provider answers it, with the members ARM drops besides the compared ones. */
const current = {
  id: vnetId,
  name: 'hub',
  type: vnet,
  etag: 'W/"1"',
  location: 'westeurope',
  tags: { env: 'prod' },
  properties: {
    provisioningState: 'Succeeded',
    resourceGuid: 'g',
    enableDdosProtection: false,
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
    subnets: [
      {
        id: `${vnetId}/subnets/a`,
        name: 'a',
        etag: 'W/"2"',
        properties: { addressPrefix: '10.0.1.0/24', provisioningState: 'Succeeded', ipConfigurations: [] },
      },
    ],
    virtualNetworkPeerings: [{ id: `${vnetId}/virtualNetworkPeerings/p`, name: 'p', properties: {} }],
  },
};

describe('the what-if delta, as ARM compares current state and prediction', () => {
  it('drops what ARM treats as read-only: the same body is no change', () => {
    const declared = {
      location: 'West Europe',
      tags: { env: 'prod' },
      properties: {
        addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
        subnets: [{ name: 'a', properties: { addressPrefix: '10.0.1.0/24' } }],
        virtualNetworkPeerings: [{ name: 'p', properties: {} }],
      },
    };
    expect(resourceDelta(vnet, current, declared)).toEqual([]);
  });

  it('shows what the service holds and the template omits as Delete: subnets and peerings of child resources (#393, #341)', () => {
    const declared = {
      location: 'westeurope',
      tags: { env: 'prod' },
      properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] } },
    };
    expect(whatIfLeaves(resourceDelta(vnet, current, declared))).toEqual([
      'Delete properties.subnets: [{"name":"a","properties":{"addressPrefix":"10.0.1.0/24"}}] → ∅',
      'Delete properties.virtualNetworkPeerings: [{"name":"p","properties":{}}] → ∅',
    ]);
  });

  it('Create for what the template adds, Modify for what differs, an item added or removed at its index', () => {
    const declared = {
      location: 'westeurope',
      tags: { env: 'prod', owner: 'net' },
      properties: {
        addressSpace: { addressPrefixes: ['10.0.0.0/15', '10.2.0.0/16'] },
        subnets: [{ name: 'a', properties: { addressPrefix: '10.0.1.0/24' } }],
        virtualNetworkPeerings: [{ name: 'p', properties: {} }],
        dhcpOptions: { dnsServers: ['10.0.0.4'] },
      },
    };
    expect(whatIfLeaves(resourceDelta(vnet, current, declared))).toEqual([
      'Create tags.owner: ∅ → "net"',
      'Modify properties.addressSpace.addressPrefixes.0: "10.0.0.0/16" → "10.0.0.0/15"',
      'Create properties.addressSpace.addressPrefixes.1: ∅ → "10.2.0.0/16"',
      'Create properties.dhcpOptions: ∅ → {"dnsServers":["10.0.0.4"]}',
    ]);
  });

  it('a read-only member the template sets anyway is NoEffect, and NoEffect alone changes nothing', () => {
    const declared = {
      location: 'westeurope',
      tags: { env: 'prod' },
      properties: { ...current.properties, enableDdosProtection: true, provisioningState: 'Succeeded' },
    };
    const delta = resourceDelta(vnet, current, declared);
    expect(whatIfLeaves(delta)).toEqual(['NoEffect properties.enableDdosProtection: false → true']);
    expect(changesSomething(delta)).toBe(false);
  });

  it('null, an empty array and an empty object are the same as absent; write-only members the provider never answers are no change', () => {
    const scaleSet = 'Microsoft.Compute/virtualMachineScaleSets';
    const stored = {
      location: 'westeurope',
      properties: { virtualMachineProfile: { osProfile: { adminUsername: 'u' } } },
    };
    const declared = {
      location: 'westeurope',
      tags: {},
      zones: null,
      properties: {
        virtualMachineProfile: { osProfile: { adminUsername: 'u', customData: 'IyE=', adminPassword: 'p' } },
        extensions: [],
      },
    };
    expect(resourceDelta(scaleSet, stored, declared)).toEqual([]);
  });

  it('a dynamically allocated address the template leaves out is a Delete, as ARM shows it for a NIC (#168)', () => {
    const nic = 'Microsoft.Network/networkInterfaces';
    const stored = {
      location: 'westeurope',
      properties: {
        ipConfigurations: [
          {
            id: 'x',
            name: 'ipconfig',
            properties: {
              privateIPAllocationMethod: 'Dynamic',
              privateIPAddress: '10.0.1.7',
              privateIPAddressVersion: 'IPv4',
            },
          },
        ],
        macAddress: '00-0D-3A-00-00-01',
      },
    };
    const declared = {
      location: 'westeurope',
      properties: {
        ipConfigurations: [
          { name: 'ipconfig', properties: { privateIPAllocationMethod: 'Dynamic', privateIPAddress: null } },
        ],
      },
    };
    expect(whatIfLeaves(resourceDelta(nic, stored, declared))).toEqual([
      'Delete properties.ipConfigurations.0.properties.privateIPAddress: "10.0.1.7" → ∅',
    ]);
  });
});
