import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultScenario, type Scenario } from '../src/index.js';

/** A second principal of the default tenant, with a secret, for calls by someone other than the deployer. */
export const operator = {
  name: 'operator',
  clientId: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
  objectId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  clientSecret: 'local-cloud-operator-secret',
};

/** The default scenario with the operator beside the deployer, and quick long-running operations. */
export function stackScenario(): Scenario {
  const scenario = defaultScenario();
  return {
    ...scenario,
    principals: [
      ...scenario.principals,
      { ...operator, tenantId: scenario.tenants[0]!.id, federatedCredentials: [] },
    ],
    latencies: { readMs: 0, writeMs: 0, longRunningMs: 50, tokenMs: 0 },
  };
}

/** A resource-group template with a virtual network and, when asked, a managed identity. */
export function groupTemplate(withIdentity: boolean): Record<string, unknown> {
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { prefix: { type: 'string', defaultValue: '10.70' } },
    resources: [
      {
        type: 'Microsoft.Network/virtualNetworks',
        apiVersion: '2024-05-01',
        name: 'app-net',
        location: '[resourceGroup().location]',
        properties: { addressSpace: { addressPrefixes: ["[format('{0}.0.0/16', parameters('prefix'))]"] } },
      },
      ...(withIdentity
        ? [
            {
              type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
              apiVersion: '2023-01-31',
              name: 'app-id',
              location: '[resourceGroup().location]',
            },
          ]
        : []),
    ],
    outputs: {
      vnetId: { type: 'string', value: "[resourceId('Microsoft.Network/virtualNetworks', 'app-net')]" },
    },
  };
}

/** The subscription-scope template that creates a resource group and deploys a network module into it. */
export function landingZoneTemplate(): Record<string, unknown> {
  return JSON.parse(
    readFileSync(join(import.meta.dirname, 'fixtures', 'subscription', 'landing-zone.json'), 'utf8'),
  ) as Record<string, unknown>;
}
