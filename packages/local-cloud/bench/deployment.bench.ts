/**
 * A 50-resource template (bench/fixtures/fifty, compiled by the real Bicep CLI) deployed through the unmodified
 * deployments SDK with every latency at zero, against the template engine's own evaluation of the same template
 * (expansion, finishing every resource that needs runtime state, and the outputs), measured in the same run.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { compileBicep } from '@azpn/bicep';
import {
  expandTemplate,
  type ArmTemplate,
  type ArmValue,
  type DeploymentContext,
  type RuntimeResolver,
} from '@azpn/arm-template';
import {
  cloudRequest,
  defaultScenario,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '../src/index.js';
import { cloudSdkAccess } from '../src/test-support.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'fifty', 'main.bicep');
const deployRounds = 5;
const engineRounds = 50;
const terminal = new Set(['Succeeded', 'Failed', 'Canceled']);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** Milliseconds of an ISO 8601 duration as the deployment reports it (`PT1M2.5S`, `PT0.25S`). */
function durationMs(iso: string | undefined): number {
  const match = /^PT(?:(\d+)M)?([\d.]+)S$/.exec(iso ?? '');
  if (!match) throw new Error(`The deployment's duration '${iso}' is not an ISO 8601 duration in seconds.`);
  return (Number(match[1] ?? 0) * 60 + Number(match[2])) * 1000;
}

interface Clients {
  deployments: DeploymentsClient;
  resources: ResourceManagementClient;
  bearer: () => Promise<string>;
}

function clientsOf(local: LocalCloud): Clients {
  const { credential, scope, options } = cloudSdkAccess(local.cloud);
  return {
    deployments: new DeploymentsClient(credential, local.cloud.subscriptionId, options),
    resources: new ResourceManagementClient(credential, local.cloud.subscriptionId, options),
    bearer: async () => (await credential.getToken(scope)).token,
  };
}

/**
 * One deployment into a fresh group: the SDK's PUT, then the SDK's GET every millisecond until it ends (the
 * operation's Retry-After of 1 s would otherwise be what is measured). Answers the client-side and the
 * cloud-reported times, after checking that the 50 resources exist and the outputs carry their runtime state.
 */
async function deployOnce(
  clients: Clients,
  template: Record<string, unknown>,
  group: string,
): Promise<{ clientMs: number; cloudMs: number }> {
  await clients.resources.resourceGroups.createOrUpdate(group, { location: 'westeurope' });
  const start = performance.now();
  const poller = await clients.deployments.deployments.beginCreateOrUpdate(group, 'fifty', {
    properties: { template, parameters: {}, mode: 'Incremental' },
  });
  await poller.submitted();
  let deployment = await clients.deployments.deployments.get(group, 'fifty');
  while (!terminal.has(deployment.properties?.provisioningState ?? '')) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    deployment = await clients.deployments.deployments.get(group, 'fifty');
  }
  const clientMs = performance.now() - start;
  const properties = deployment.properties!;
  if (properties.provisioningState !== 'Succeeded')
    throw new Error(
      `The benchmark deployment ended ${properties.provisioningState}: ${JSON.stringify(properties.error)}`,
    );
  let count = 0;
  for await (const resource of clients.resources.resources.listByResourceGroup(group))
    if (resource.id) count++;
  const outputs = properties.outputs as { vnetGuids: { value: string[] }; tableCount: { value: number } };
  if (count !== 50 || outputs.vnetGuids.value.length !== 10 || outputs.tableCount.value !== 10)
    throw new Error(
      `The benchmark deployment left ${count} resources and outputs ${JSON.stringify(outputs)}.`,
    );
  return { clientMs, cloudMs: durationMs(properties.duration) };
}

/** Answers `reference()` from the deployed resources' GET bodies, as the deployment's resolver does. */
async function deployedStateResolver(
  local: LocalCloud,
  clients: Clients,
  ids: string[],
  apiVersion: string,
): Promise<RuntimeResolver> {
  const token = await clients.bearer();
  const bodies = new Map<string, Record<string, ArmValue>>();
  for (const id of ids) {
    const url = `${local.cloud.resourceManager}${id.slice(1)}?api-version=${apiVersion}`;
    const reply = await cloudRequest(local.cloud.caPem, 'GET', url, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (reply.status !== 200) throw new Error(`Reading back '${id}' answered ${reply.status}.`);
    bodies.set(id.toLowerCase(), reply.body as Record<string, ArmValue>);
  }
  return {
    reference(resourceId, _version, full) {
      const body = bodies.get(resourceId.toLowerCase());
      return body === undefined ? undefined : full ? body : body.properties;
    },
  };
}

/**
 * The engine's whole work for one deployment: expansion, then each runtime-dependent body finished and the
 * outputs. Answers both parts' times.
 */
function evaluateWithEngine(
  template: ArmTemplate,
  context: DeploymentContext,
  resolver: RuntimeResolver,
): { expandMs: number; finishMs: number } {
  const start = performance.now();
  const expansion = expandTemplate(template, { parameters: {}, context });
  const expanded = performance.now();
  for (const resource of expansion.resources)
    if (resource.pending) expansion.finishResource(resource.id, resolver);
  expansion.finishOutputs(resolver);
  return { expandMs: expanded - start, finishMs: performance.now() - expanded };
}

/** Runs the benchmark and returns its figures. */
export default async function deploymentBench(): Promise<Record<string, number>> {
  const template = await compileBicep(fixture);
  const unlimited = { capacity: 1e9, refillPerSecond: 1e9 };
  const local = await startLocalCloud({
    scenario: {
      ...defaultScenario(),
      latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 },
      throttle: { reads: unlimited, writes: unlimited },
    },
  });
  try {
    trustCloudCa(local.cloud.caPem);
    const clients = clientsOf(local);
    await deployOnce(clients, template, 'bench-warm-up'); // JIT, token and TLS session before measuring
    const client: number[] = [];
    const cloud: number[] = [];
    for (let i = 0; i < deployRounds; i++) {
      const { clientMs, cloudMs } = await deployOnce(clients, template, `bench-${i}`);
      client.push(clientMs);
      cloud.push(cloudMs);
    }

    const context: DeploymentContext = {
      tenantId: local.cloud.tenantId,
      subscriptionId: local.cloud.subscriptionId,
      resourceGroup: 'bench-0',
      location: 'westeurope',
      deploymentName: 'fifty',
    };
    const plan = expandTemplate(template as ArmTemplate, { parameters: {}, context });
    const vnets = plan.resources
      .filter((r) => r.type === 'Microsoft.Network/virtualNetworks')
      .map((r) => r.id);
    const resolver = await deployedStateResolver(local, clients, vnets, '2024-05-01');
    for (let i = 0; i < 20; i++) evaluateWithEngine(template as ArmTemplate, context, resolver); // warm up
    const expand: number[] = [];
    const finish: number[] = [];
    for (let i = 0; i < engineRounds; i++) {
      const { expandMs, finishMs } = evaluateWithEngine(template as ArmTemplate, context, resolver);
      expand.push(expandMs);
      finish.push(finishMs);
    }

    const clientMs = median(client);
    const cloudMs = median(cloud);
    const engineMs = median(expand.map((e, i) => e + finish[i]!));
    return {
      resources: plan.resources.length,
      waves: plan.order.length,
      deploy_ms_sdk_observed: round(clientMs, 1),
      deploy_ms_cloud_reported: round(cloudMs, 1),
      engine_evaluation_ms: round(engineMs),
      engine_expand_ms: round(median(expand)),
      engine_finish_ms: round(median(finish)),
      deploy_over_engine_ratio: round(clientMs / engineMs, 1),
      cloud_deploy_over_engine_ratio: round(cloudMs / engineMs, 1),
      deploy_ms_per_resource: round(clientMs / plan.resources.length),
    };
  } finally {
    await local.stop();
  }
}
