import { describe, expect, it } from '@jest/globals';
import { parseResourceGroupResourceId, resourceGroupResourceIdProblem } from '../src/index.js';

const sub = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

describe('parseResourceGroupResourceId', () => {
  const nic = `/subscriptions/${sub}/resourceGroups/rg-net/providers/Microsoft.Network/networkInterfaces/pe.nic.1`;

  it('reads subscription, group and name of a resource of the given type, comparing case as ARM does', () => {
    expect(parseResourceGroupResourceId(nic, 'Microsoft.Network/networkInterfaces')).toEqual({
      subscriptionId: sub,
      resourceGroup: 'rg-net',
      name: 'pe.nic.1',
    });
    expect(parseResourceGroupResourceId(nic.toLowerCase(), 'Microsoft.Network/networkInterfaces')).toEqual({
      subscriptionId: sub.toLowerCase(),
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

describe('resourceGroupResourceIdProblem', () => {
  const type = 'Microsoft.ContainerInstance/containerGroups';
  const id = (group: string, name: string, subscription = sub) =>
    `/subscriptions/${subscription}/resourceGroups/${group}/providers/${type}/${name}`;

  it.each([
    [id('..', 'box'), 'it has an empty, "." or ".." segment'],
    [id('rg', '..'), 'it has an empty, "." or ".." segment'],
    [id('rg/../other', 'box'), 'it has an empty, "." or ".." segment'],
    [
      id('rg', 'box').replace('/resourceGroups/rg/', '/resourceGroups//'),
      'it has an empty, "." or ".." segment',
    ],
    [id('rg', 'box', 'not-a-guid'), 'its subscription is not a GUID'],
    [id('rg', 'box').slice(1), 'it does not start with /subscriptions/'],
    [id('rg.', 'box'), 'its resource group is not valid'],
    [id('r g', 'box'), 'its resource group is not valid'],
    [id('rg', 'Box_1'), 'its name is not valid'],
    [id('rg', 'a--b'), 'its name is not valid'],
    [`${id('rg', 'box')}/containers/c`, 'it is not of the form'],
  ])('refuses %s: %s', (text, problem) => {
    expect(resourceGroupResourceIdProblem(text, type)).toContain(problem);
    expect(parseResourceGroupResourceId(text, type)).toBeUndefined();
  });

  it('accepts a well-formed id, in any case, and a Unicode resource group as ARM does', () => {
    expect(resourceGroupResourceIdProblem(id('rg-(prod)_1.a', 'box-1'), type)).toBeUndefined();
    expect(
      resourceGroupResourceIdProblem(id('RG', 'box').toUpperCase().replace('BOX', 'box'), type),
    ).toBeUndefined();
    expect(parseResourceGroupResourceId(id('grüppe', 'box'), type)?.resourceGroup).toBe('grüppe');
  });
});
