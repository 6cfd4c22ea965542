import { describe, expect, it } from '@jest/globals';
import { topologyDiagram } from '../src/topology.js';
import { changeCounts, changeLines, hasChanges, whatIfTable } from '@azpn/whatif';
import { flowchartProblems } from './mermaid-flowchart.js';

const rg = '/subscriptions/s/resourceGroups/rg/providers';
const vnet = `${rg}/Microsoft.Network/virtualNetworks/hub`;
const lb = `${rg}/Microsoft.Network/loadBalancers/lb`;
const pls = `${rg}/Microsoft.Network/privateLinkServices/pls`;

describe('topology diagram', () => {
  it('draws VNets as subgraphs and joins resources by the ids their bodies reference', () => {
    const diagram = topologyDiagram([
      {
        id: vnet,
        body: { properties: { subnets: [{ name: 'shared', properties: { addressPrefix: '10.0.1.0/24' } }] } },
      },
      {
        id: lb,
        body: {
          properties: {
            frontendIPConfigurations: [
              {
                id: `${lb}/frontendIPConfigurations/fe`,
                properties: { subnet: { id: `${vnet}/subnets/shared` } },
              },
            ],
          },
        },
      },
      {
        id: pls,
        body: {
          properties: { loadBalancerFrontendIpConfigurations: [{ id: `${lb}/frontendIPConfigurations/fe` }] },
        },
      },
    ]);
    expect(flowchartProblems(diagram)).toEqual([]);
    expect(diagram).toContain('subgraph n1["VNet hub"]');
    expect(diagram).toContain('n2["subnet shared 10.0.1.0/24"]');
    expect(diagram).toMatch(/n3 -->\|subnet\| n2/);
    expect(diagram).toMatch(/n4 -->\|loadBalancerFrontendIpConfigurations\| n3/);
  });

  it('the flowchart reader rejects links to undeclared nodes and unclosed subgraphs', () => {
    expect(flowchartProblems('```mermaid\nflowchart LR\n  a["x"]\n  a --> b\n```')).toEqual([
      'link a -> b joins an undeclared node',
    ]);
    expect(flowchartProblems('```mermaid\nflowchart LR\n  subgraph s["x"]\n```')).toEqual([
      'unclosed subgraph',
    ]);
  });
});

describe('what-if report', () => {
  const changes = [
    {
      resourceId: vnet,
      changeType: 'Modify',
      delta: [{ path: 'tags.env', propertyChangeType: 'Modify', before: 'a', after: 'b' }],
    },
    { resourceId: lb, changeType: 'NoChange' },
    { resourceId: pls, changeType: 'Create' },
  ];

  it('counts, lists and tabulates the changes', () => {
    expect(hasChanges(changes)).toBe(true);
    expect(hasChanges([changes[1]!])).toBe(false);
    expect(changeCounts(changes)).toBe('Create 1, Modify 1, NoChange 1');
    expect(changeLines(changes)).toEqual([
      'Modify Microsoft.Network/virtualNetworks hub',
      '    tags.env: "a" → "b"',
      'Create Microsoft.Network/privateLinkServices pls',
    ]);
    expect(whatIfTable(changes)).toContain(
      '| Modify | Microsoft.Network/virtualNetworks | hub | `tags.env: "a" → "b"` |',
    );
  });
});
