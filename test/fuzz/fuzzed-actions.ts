import fc from 'fast-check';
import type { Platform, RunContext } from '@azpn/core';
import { run as deploy } from '@azpn/action-deploy/run';
import { run as endpointDns } from '@azpn/action-endpoint-dns/run';
import { run as jumpboxProbe } from '@azpn/action-jumpbox-probe/run';
import { run as preview } from '@azpn/action-preview/run';
import { run as sample } from '@azpn/action-sample/run';
import {
  malformedId,
  malformedInteger,
  malformedLine,
  malformedName,
  notAGuid,
  notJson,
  notOneOf,
  notYaml,
} from './malformed-values.js';

/** A change to an action's valid inputs that makes exactly one of them malformed. */
export type Patch = Record<string, string>;

/** How one action is fuzzed: its valid inputs, and for every input a way to break it (or why it cannot be). */
export interface FuzzedAction {
  name: string;
  run(platform: Platform): Promise<void>;
  /** Inputs by their action.yml names that pass every check, so the only fault is the one a case adds. */
  baseline: Record<string, string>;
  malformed: Record<string, fc.Arbitrary<Patch>>;
  /** Inputs that take any text, with the reason; every action.yml input is malformed or free. */
  free: Record<string, string>;
  /** What the run is for, beyond the workspace (a pull request, the code host). */
  context?: Partial<RunContext>;
}

const guid = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
export const set = (input: string, values: fc.Arbitrary<string>, extra: Patch = {}) =>
  values.map((value): Patch => ({ ...extra, [input]: value }));

/** The connection inputs every Azure action declares. */
export const connection = {
  baseline: { 'tenant-id': guid, 'client-id': guid, 'subscription-id': guid },
  malformed: {
    cloud: set(
      'cloud',
      fc.oneof(
        fc.constantFrom(
          'http://arm.local',
          'ftp://x',
          'AzureMoon',
          'https://u:p@arm.local',
          'https://arm.local/?x=1',
        ),
        fc.integer({ min: 200, max: 102_400 }).map((n) => `Azure${'x'.repeat(n)}`),
      ),
    ),
    auth: set('auth', notOneOf(['auto', 'github-oidc', 'azure-devops', 'azure-cli', 'client-secret'])),
    'tenant-id': set('tenant-id', notAGuid),
    'client-id': set('client-id', notAGuid),
    'subscription-id': set('subscription-id', notAGuid),
  },
  free: {
    'client-secret': 'a secret is any text',
    'azure-subscription':
      'a service connection name is any text; on GitHub any value is refused, which the fuzz does not vary',
  },
};

const group = (input: string) => set(input, malformedName(90));

/** deploy, with a JSON template in the workspace (no Bicep CLI: the fuzz must stay fast). */
export function deployAction(template: string): FuzzedAction {
  return {
    name: 'deploy',
    run: deploy,
    baseline: { template, 'resource-group': 'rg-fuzz', location: 'westeurope', ...connection.baseline },
    malformed: {
      template: set(
        'template',
        fc.oneof(
          fc.constantFrom(
            '../outside.json',
            '/etc/hosts.json',
            '../../cloud/cloud.json',
            'main.txt',
            'main.json\u0000.json',
          ),
          fc.stringMatching(/^[a-z]{1,12}$/).map((s) => `missing-${s}.json`),
        ),
      ),
      parameters: set(
        'parameters',
        fc.constantFrom('../params.json', '/etc/passwd', 'missing.json', 'main.bicep'),
      ),
      'parameter-overrides': set(
        'parameter-overrides',
        fc.oneof(
          notYaml,
          fc.constantFrom(
            'just text',
            '- a\n- b',
            '"bad name": 1',
            '__proto__: 1',
            'constructor=2',
            '=3',
            'a=1\nnot a pair',
          ),
          fc
            .stringMatching(/^[a-z][a-zA-Z0-9]{0,10}$/)
            .filter((n) => n !== 'zoneName')
            .map((n) => `${n}Undeclared=1`),
        ),
      ),
      'resource-group': group('resource-group'),
      location: set(
        'location',
        fc.oneof(
          fc.constantFrom('1westeurope', 'west-europe', 'eu/west'),
          fc.integer({ min: 42, max: 5000 }).map((n) => `w${'e'.repeat(n)}`),
        ),
      ),
      'resource-group-tags': set(
        'resource-group-tags',
        fc.oneof(
          notYaml,
          fc.constantFrom('- a', 'just text', 'a/b: x', 'a: {b: c}', '"<x>": y'),
          fc.integer({ min: 257, max: 5000 }).map((n) => `t: ${'v'.repeat(n)}`),
        ),
      ),
      // A trailing dot is not in the deployment naming rule ARM publishes; only a name of dots is refused.
      'deployment-name': set(
        'deployment-name',
        malformedName(64).filter((n) => !/^[a-z0-9]+\.$/.test(n)),
      ),
      mode: set('mode', notOneOf(['validate', 'what-if', 'deploy'])),
      scope: set('scope', notOneOf(['resourceGroup', 'subscription'])),
      type: set('type', notOneOf(['deployment', 'stack'])),
      // The baseline is a plain deployment, which refuses every stack input naming it; a stack's own checks of
      // the values (names, GUIDs, RBAC actions, choices) are tested in deploy's config tests.
      'stack-name': set('stack-name', malformedName(90)),
      'action-on-unmanage': set('action-on-unmanage', notOneOf([])),
      'deny-settings-mode': set('deny-settings-mode', notOneOf([])),
      'deny-settings-excluded-principals': set('deny-settings-excluded-principals', notAGuid),
      'deny-settings-excluded-actions': set(
        'deny-settings-excluded-actions',
        fc.constantFrom('*', 'x', 'a b/c'),
      ),
      'deny-settings-apply-to-child-scopes': set(
        'deny-settings-apply-to-child-scopes',
        notOneOf(['true', 'True', 'TRUE', 'false', 'False', 'FALSE']),
      ),
      'bypass-stack-out-of-sync-error': set(
        'bypass-stack-out-of-sync-error',
        notOneOf(['true', 'True', 'TRUE', 'false', 'False', 'FALSE']),
      ),
      'fail-on-changes': set(
        'fail-on-changes',
        notOneOf(['true', 'True', 'TRUE', 'false', 'False', 'FALSE']),
      ),
      'masked-outputs': set(
        'masked-outputs',
        fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,10}$/).map((n) => `zoneId\n${n}Missing`),
      ),
      ...connection.malformed,
    },
    free: {
      'bicep-path': 'read only for a .bicep template, which the fuzz does not compile',
      ...connection.free,
    },
  };
}

const endpointType = 'Microsoft.Network/privateEndpoints';
const zoneType = 'Microsoft.Network/privateDnsZones';

export const endpointDnsAction: FuzzedAction = {
  name: 'endpoint-dns',
  run: endpointDns,
  baseline: {
    'private-endpoint': 'pe-1',
    'private-endpoint-resource-group': 'rg-net',
    zone: 'internal.net',
    'zone-resource-group': 'rg-dns',
    'record-names': 'web',
    ...connection.baseline,
  },
  malformed: {
    'private-endpoint': set('private-endpoint', fc.oneof(malformedName(64), malformedId(endpointType))),
    'private-endpoint-resource-group': group('private-endpoint-resource-group'),
    zone: set(
      'zone',
      fc.oneof(
        malformedName(253).filter((z) => !/^[a-z0-9]+\.$/.test(z)),
        malformedId(zoneType, 'internal.net'),
        fc.constantFrom('localhost', 'a..b'),
      ),
    ),
    'zone-resource-group': group('zone-resource-group'),
    'zone-subscription-id': set('zone-subscription-id', notAGuid),
    'record-names': set(
      'record-names',
      fc.oneof(malformedLine(253), fc.constantFrom('-lead', 'trail-', 'a..b', 'dot.')),
    ),
    ttl: set('ttl', malformedInteger(1, 2147483647)),
    prune: set('prune', notOneOf(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'])),
    ...connection.malformed,
  },
  free: connection.free,
};

const groupId = (name: string) =>
  `/subscriptions/${guid}/resourceGroups/rg-jump/providers/Microsoft.ContainerInstance/containerGroups/${name}`;

export const jumpboxProbeAction: FuzzedAction = {
  name: 'jumpbox-probe',
  run: jumpboxProbe,
  baseline: {
    'jump-boxes': 'jb-hub',
    'resource-group': 'rg-jump',
    probes: '- name: web\n  http: http://10.0.0.4:8000',
    ...connection.baseline,
  },
  malformed: {
    mode: set('mode', notOneOf(['probe', 'stop'])),
    'jump-boxes': set(
      'jump-boxes',
      fc.oneof(
        malformedLine(63),
        malformedId('Microsoft.ContainerInstance/containerGroups', 'jb'),
        fc.constantFrom('jb-hub\njb-hub', 'Jb', 'jb--x'),
      ),
    ),
    'resource-group': group('resource-group'),
    probes: set(
      'probes',
      fc.oneof(
        notYaml,
        fc.constantFrom(
          '- web',
          'name: web',
          '- name: web',
          '- name: web\n  comand: x',
          '- name: a\n  http: ftp://x',
          '- name: a\n  tcp: host',
          '- name: a\n  dns: "a b"',
          '- name: a\n  command: x\n  timeout: 601',
          '- name: a\n  command: x\n- name: a\n  command: y',
          '- name: a\n  http: http://x\n  body: "("',
        ),
      ),
    ),
    'probe-timeout': set('probe-timeout', malformedInteger(1, 600)),
    'retry-for': set('retry-for', malformedInteger(0, 3600)),
    'retry-delay': set('retry-delay', malformedInteger(1, 60)),
    'start-timeout': set('start-timeout', malformedInteger(10, 1800)),
    'stop-after': set('stop-after', notOneOf(['true', 'false', 'all'])),
    'started-groups': set(
      'started-groups',
      fc.oneof(
        notJson,
        fc.constantFrom(
          '{"id": "x"}',
          '["jb-hub"]',
          '[1]',
          '[{"startedAt": 1}]',
          `[{"id": "${groupId('jb')}", "startedAt": "yesterday"}]`,
          `[{"id": "${groupId('..')}"}]`,
          `[{"id": "${groupId('jb')}", "extra": 1}]`,
        ),
        malformedId('Microsoft.ContainerInstance/containerGroups', 'jb').map((id) =>
          JSON.stringify([{ id }]),
        ),
      ),
      { mode: 'stop' },
    ),
    ...connection.malformed,
  },
  free: connection.free,
};

/** preview in mode deploy for a pull request, its template inputs broken as deploy's are. */
export function previewAction(template: string): FuzzedAction {
  const deploy = deployAction(template);
  const shared = ['template', 'parameters', 'parameter-overrides', 'location', 'masked-outputs'] as const;
  return {
    name: 'preview',
    run: preview,
    baseline: { template, location: 'westeurope', 'github-token': 'ghs_fuzz', ...connection.baseline },
    malformed: {
      ...Object.fromEntries(shared.map((input) => [input, deploy.malformed[input]!])),
      mode: set('mode', notOneOf(['deploy', 'destroy', 'sweep'])),
      // managementGroup and tenant are choices the input knows, and refuses with the sentence saying so.
      scope: set('scope', notOneOf(['resourceGroup', 'subscription'])),
      'resource-group': group('resource-group'),
      ttl: set(
        'ttl',
        fc.oneof(
          fc.constantFrom('forever', '7', '9m', '91d', '-1d', '7 days', '1y', 'd7'),
          fc.integer({ min: 13, max: 999_999 }).map((n) => `${n}w`),
        ),
      ),
      'dry-run': set('dry-run', notOneOf(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'])),
      comment: set('comment', notOneOf(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'])),
      ...connection.malformed,
    },
    free: {
      prefix: 'any text is reduced to what a resource group name may hold',
      'github-token': 'a token is any text',
      'bicep-path': deploy.free['bicep-path']!,
      ...connection.free,
    },
    context: {
      repository: 'azpn/infra',
      pullRequest: 7,
      pullRequestHead: { number: 7, headSha: 'a'.repeat(40), fork: false },
      codeHost: { apiUrl: 'https://code-host.fuzz.invalid/', project: 'fuzz', repositoryId: 'infra' },
    },
  };
}

export const sampleAction: FuzzedAction = {
  name: 'sample',
  run: sample,
  baseline: { name: 'Ada' },
  malformed: {
    name: set(
      'name',
      fc.oneof(
        malformedName(64).filter((n) => !/^[a-z0-9]+\.$/.test(n) && !/^[\w .-]{1,64}$/.test(n.trim())),
      ),
    ),
    'greeting-count': set('greeting-count', malformedInteger(1, 5)),
    shout: set('shout', notOneOf(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'])),
    cloud: connection.malformed.cloud,
  },
  free: {
    token: 'a secret is any text',
    connection: 'a service connection name is any text; one the job lacks is a warning by design',
  },
};
