import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import {
  ScenarioError,
  choiceAt,
  guidAt,
  listAt,
  numberAt,
  objectAt,
  onlyKeys,
  optionalStringAt,
  stringAt,
  type Fields,
} from './fields.js';
import { parseFaultRule } from './parse-fault-rule.js';
import type {
  AzureDevOpsSpec,
  GitHubJobSpec,
  Latencies,
  PrincipalSpec,
  Scenario,
  TenantSpec,
  ThrottleSpec,
} from './types.js';

const topLevelKeys = [
  'tenants',
  'principals',
  'github',
  'azureDevOps',
  'locations',
  'latencies',
  'throttle',
  'faults',
  'tokenLifetimeSeconds',
];

/** Parses scenario text (YAML, of which JSON is a subset); `source` names the file in error messages. */
export function parseScenarioText(text: string, source: string): Scenario {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ScenarioError(`Scenario file ${source} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  try {
    return parseScenario(document);
  } catch (error) {
    if (error instanceof ScenarioError) throw new ScenarioError(`${source}: ${error.message}`);
    throw error;
  }
}

/** Validates a parsed scenario document and fills in defaults. */
export function parseScenario(document: unknown): Scenario {
  const root = objectAt(document, '(root)');
  onlyKeys(root, '', topLevelKeys);
  const tenants = listAt(root, 'tenants', '').map((t, i) => parseTenant(t, `tenants[${i}]`));
  if (tenants.length === 0)
    throw new ScenarioError(`Scenario field 'tenants' must list at least one tenant.`);
  const principals = listAt(root, 'principals', '', true).map((p, i) =>
    parsePrincipal(p, `principals[${i}]`, tenants),
  );
  const github = root.github === undefined ? {} : objectAt(root.github, 'github');
  onlyKeys(github, 'github', ['jobs']);
  const scenario: Scenario = {
    tenants,
    principals,
    github: {
      jobs: listAt(github, 'jobs', 'github.', true).map((j, i) => parseGitHubJob(j, `github.jobs[${i}]`)),
    },
    azureDevOps: parseAzureDevOps(root.azureDevOps),
    locations: parseLocations(root),
    latencies: parseLatencies(root.latencies),
    throttle: parseThrottle(root.throttle),
    faults: listAt(root, 'faults', '', true).map((f, i) => parseFaultRule(f, `faults[${i}]`)),
    tokenLifetimeSeconds: numberAt(root, 'tokenLifetimeSeconds', '', 3600, 1),
  };
  return scenario;
}

function parseTenant(value: unknown, path: string): TenantSpec {
  const fields = objectAt(value, path);
  onlyKeys(fields, path, ['id', 'subscriptions']);
  const subscriptions = listAt(fields, 'subscriptions', `${path}.`, true).map((s, i) => {
    const subPath = `${path}.subscriptions[${i}]`;
    const sub = objectAt(s, subPath);
    onlyKeys(sub, subPath, ['id', 'displayName']);
    const id = guidAt(sub, 'id', `${subPath}.`);
    return { id, displayName: optionalStringAt(sub, 'displayName', `${subPath}.`) ?? `subscription ${id}` };
  });
  return { id: guidAt(fields, 'id', `${path}.`), subscriptions };
}

function parsePrincipal(value: unknown, path: string, tenants: TenantSpec[]): PrincipalSpec {
  const fields = objectAt(value, path);
  onlyKeys(fields, path, [
    'name',
    'clientId',
    'objectId',
    'tenantId',
    'clientSecret',
    'federatedCredentials',
  ]);
  const tenantId = fields.tenantId === undefined ? tenants[0]!.id : guidAt(fields, 'tenantId', `${path}.`);
  if (!tenants.some((t) => t.id === tenantId)) {
    throw new ScenarioError(
      `Scenario field '${path}.tenantId' names tenant ${tenantId}, which 'tenants' does not declare.`,
    );
  }
  return {
    name: stringAt(fields, 'name', `${path}.`),
    clientId: guidAt(fields, 'clientId', `${path}.`),
    objectId: fields.objectId === undefined ? randomUUID() : guidAt(fields, 'objectId', `${path}.`),
    tenantId,
    clientSecret: optionalStringAt(fields, 'clientSecret', `${path}.`),
    federatedCredentials: listAt(fields, 'federatedCredentials', `${path}.`, true).map((c, i) => {
      const credPath = `${path}.federatedCredentials[${i}]`;
      const cred = objectAt(c, credPath);
      onlyKeys(cred, credPath, ['name', 'issuer', 'subject', 'audiences']);
      const audiences = listAt(cred, 'audiences', `${credPath}.`, true).map((_, j) =>
        stringAt(cred.audiences as Fields, String(j), `${credPath}.audiences.`),
      );
      return {
        name: stringAt(cred, 'name', `${credPath}.`),
        issuer: stringAt(cred, 'issuer', `${credPath}.`),
        subject: stringAt(cred, 'subject', `${credPath}.`),
        audiences: audiences.length > 0 ? audiences : ['api://AzureADTokenExchange'],
      };
    }),
  };
}

function parseGitHubJob(value: unknown, path: string): GitHubJobSpec {
  const fields = objectAt(value, path);
  onlyKeys(fields, path, ['name', 'repository', 'ref', 'event', 'environment']);
  const repository = stringAt(fields, 'repository', `${path}.`);
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    throw new ScenarioError(
      `Scenario field '${path}.repository' must look like owner/name (found '${repository}').`,
    );
  }
  return {
    name: stringAt(fields, 'name', `${path}.`),
    repository,
    ref: optionalStringAt(fields, 'ref', `${path}.`) ?? 'refs/heads/main',
    event: choiceAt(fields, 'event', `${path}.`, ['push', 'pull_request', 'workflow_dispatch'], 'push'),
    environment: optionalStringAt(fields, 'environment', `${path}.`),
  };
}

function parseAzureDevOps(value: unknown): AzureDevOpsSpec {
  const fields = value === undefined ? {} : objectAt(value, 'azureDevOps');
  onlyKeys(fields, 'azureDevOps', ['organization', 'project', 'serviceConnections']);
  return {
    organization: optionalStringAt(fields, 'organization', 'azureDevOps.') ?? 'local-org',
    project: optionalStringAt(fields, 'project', 'azureDevOps.') ?? 'local-project',
    serviceConnections: listAt(fields, 'serviceConnections', 'azureDevOps.', true).map((c, i) => {
      const path = `azureDevOps.serviceConnections[${i}]`;
      const conn = objectAt(c, path);
      onlyKeys(conn, path, ['id', 'name']);
      return { id: guidAt(conn, 'id', `${path}.`), name: stringAt(conn, 'name', `${path}.`) };
    }),
  };
}

function parseLocations(root: Fields): string[] {
  const locations = listAt(root, 'locations', '', true).map((_, i) =>
    stringAt(root.locations as Fields, String(i), 'locations.')
      .toLowerCase()
      .replaceAll(' ', ''),
  );
  return locations.length > 0
    ? locations
    : ['westeurope', 'northeurope', 'swedencentral', 'eastus', 'eastus2', 'westus2'];
}

function parseLatencies(value: unknown): Latencies {
  const fields = value === undefined ? {} : objectAt(value, 'latencies');
  onlyKeys(fields, 'latencies', ['readMs', 'writeMs', 'longRunningMs', 'tokenMs']);
  return {
    readMs: numberAt(fields, 'readMs', 'latencies.', 0),
    writeMs: numberAt(fields, 'writeMs', 'latencies.', 0),
    longRunningMs: numberAt(fields, 'longRunningMs', 'latencies.', 0),
    tokenMs: numberAt(fields, 'tokenMs', 'latencies.', 0),
  };
}

function parseThrottle(value: unknown): ThrottleSpec {
  const fields = value === undefined ? {} : objectAt(value, 'throttle');
  onlyKeys(fields, 'throttle', ['reads', 'writes']);
  const bucket = (key: 'reads' | 'writes', capacity: number, refillPerSecond: number) => {
    const b = fields[key] === undefined ? {} : objectAt(fields[key], `throttle.${key}`);
    onlyKeys(b, `throttle.${key}`, ['capacity', 'refillPerSecond']);
    return {
      capacity: numberAt(b, 'capacity', `throttle.${key}.`, capacity, 1),
      refillPerSecond: numberAt(b, 'refillPerSecond', `throttle.${key}.`, refillPerSecond, 0),
    };
  };
  return { reads: bucket('reads', 250, 25), writes: bucket('writes', 200, 10) };
}
