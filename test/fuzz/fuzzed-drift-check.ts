import fc from 'fast-check';
import type { Platform } from '@azpn/core';
import { run } from '@azpn/action-drift-check/run';
import { connection, set, type FuzzedAction } from './fuzzed-actions.js';
import { malformedName, notOneOf, notYaml } from './malformed-values.js';

/**
 * drift-check, with a JSON template in the workspace and fixed code-host settings (what the entry shells read from
 * the runner's or agent's environment), so that the valid baseline reaches its first call.
 */
export function driftCheckAction(template: string): FuzzedAction {
  const driftCheck = (platform: Platform) =>
    run(
      platform,
      platform.context.platform === 'github'
        ? {
            platform: 'github',
            token: platform.inputs.read('github-token') ?? '',
            apiUrl: 'https://github.fuzz.invalid/api/v3',
            repository: 'azpn/infra',
          }
        : {
            platform: 'azure-devops',
            token: 'fuzz-access-token',
            collectionUri: 'https://devops.fuzz.invalid/org/',
            project: 'infra',
          },
    );
  const text = (input: string, values: string[]) => set(input, fc.constantFrom(...values));
  return {
    name: 'drift-check',
    run: driftCheck,
    baseline: {
      environment: 'prod',
      template,
      'resource-group': 'rg-fuzz',
      'github-token': 'ghs_fuzz',
      ...connection.baseline,
    },
    malformed: {
      environments: set(
        'environments',
        fc.oneof(
          notYaml,
          fc.constantFrom(
            'name: prod',
            '- prod',
            '[]',
            '- {name: "a b", resource-group: rg}',
            '- {name: a, resource-group: rg, colour: red}',
            '- {name: a}',
            `- {name: a, resource-group: rg, template: ${template}}\n- {name: A, resource-group: rg, template: ${template}}`,
            '- {name: a, resource-group: rg, template: ../outside.json}',
            `- {name: a, resource-group: "rg.", template: ${template}}`,
            `- {name: a, scope: subscription, resource-group: rg, location: westeurope, template: ${template}}`,
            `- {name: a, scope: subscription, template: ${template}}`,
            `- {name: a, scope: managementGroup, template: ${template}}`,
            `- {name: a, resource-group: rg, location: "eu/west", template: ${template}}`,
          ),
        ),
        { environment: '' },
      ),
      environment: set('environment', malformedName(64)),
      template: text('template', ['../outside.json', '/etc/hosts.json', 'main.txt', 'missing.json']),
      parameters: text('parameters', ['../params.json', '/etc/passwd', 'missing.json', 'main.bicep']),
      'parameter-overrides': text('parameter-overrides', [
        'just text',
        '"bad name": 1',
        '=3',
        'a=1\nnot a pair',
      ]),
      'resource-group': set('resource-group', malformedName(90)),
      // managementGroup and tenant are choices the input knows, and refuses with the sentence saying so.
      scope: set('scope', notOneOf(['resourceGroup', 'subscription'])),
      location: set(
        'location',
        fc.oneof(
          fc.constantFrom('1westeurope', 'west-europe', 'eu/west'),
          fc.integer({ min: 42, max: 5000 }).map((n) => `w${'e'.repeat(n)}`),
        ),
      ),
      'noise-rules': set(
        'noise-rules',
        fc.oneof(
          notYaml,
          fc.constantFrom(
            '- a',
            'natGateways: [sku]',
            'Microsoft.Network/natGateways: []',
            'Microsoft.Network/natGateways: ["sku..tier"]',
            'Microsoft.Network/natGateways: [{a: 1}]',
          ),
        ),
      ),
      label: text('label', ['a,b', 'a;b', 'x,', 'l'.repeat(51)]),
      'fail-on-drift': set('fail-on-drift', notOneOf(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'])),
      'work-item-type': text('work-item-type', ['!', 'Bug;', 't'.repeat(129)]),
      'work-item-closed-state': text('work-item-closed-state', ['!', 'Done,', 's'.repeat(129)]),
      ...connection.malformed,
    },
    free: {
      'github-token': 'any text is a token; GitHub judges it',
      'bicep-path': 'read only for a .bicep template, which the fuzz does not compile',
      ...connection.free,
    },
  };
}
