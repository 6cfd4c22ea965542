import { describe, expect, it } from '@jest/globals';
import { parseResourceGroupResourceId } from '../src/index.js';

describe('parseResourceGroupResourceId', () => {
  const nic =
    '/subscriptions/sub-b/resourceGroups/rg-net/providers/Microsoft.Network/networkInterfaces/pe.nic.1';

  it('reads subscription, group and name of a resource of the given type, comparing case as ARM does', () => {
    expect(parseResourceGroupResourceId(nic, 'Microsoft.Network/networkInterfaces')).toEqual({
      subscriptionId: 'sub-b',
      resourceGroup: 'rg-net',
      name: 'pe.nic.1',
    });
    expect(parseResourceGroupResourceId(nic.toLowerCase(), 'Microsoft.Network/networkInterfaces')).toEqual({
      subscriptionId: 'sub-b',
      resourceGroup: 'rg-net',
      name: 'pe.nic.1',
    });
  });

  it('answers nothing for another type, a child resource, a missing part or extra text', () => {
    const type = 'Microsoft.Network/networkInterfaces';
    expect(parseResourceGroupResourceId(nic, 'Microsoft.Network/privateEndpoints')).toBeUndefined();
    expect(parseResourceGroupResourceId(`${nic}/ipConfigurations/ipconfig1`, type)).toBeUndefined();
    expect(parseResourceGroupResourceId(nic.replace('rg-net', ''), type)).toBeUndefined();
    expect(parseResourceGroupResourceId(`x${nic}`, type)).toBeUndefined();
    expect(parseResourceGroupResourceId('pe.nic.1', type)).toBeUndefined();
    // Microsoft.Network's dot is a dot, not any character.
    expect(
      parseResourceGroupResourceId(nic.replace('Microsoft.Network', 'MicrosoftXNetwork'), type),
    ).toBeUndefined();
  });
});
