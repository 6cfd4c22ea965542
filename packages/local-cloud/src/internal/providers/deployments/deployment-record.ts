import type { ResourceStore } from '../../arm/resource-store.js';
import type { ProviderError } from './provider-call.js';
import { isoDuration } from '../../arm/iso-duration.js';

export { isoDuration };

/** The states ARM reports for a deployment and for each of its operations. */
export type DeploymentState = 'Accepted' | 'Running' | 'Succeeded' | 'Failed' | 'Canceled';

/** One deployment operation: a resource (or nested deployment) the deployment created, as ARM lists it. */
export interface DeploymentOperationRecord {
  operationId: string;
  provisioningOperation: 'Create' | 'Delete';
  provisioningState: DeploymentState;
  timestamp: string;
  startedAt: number;
  duration?: string;
  trackingId: string;
  serviceRequestId: string;
  statusCode?: string;
  statusMessage?: unknown;
  targetResource: { id: string; resourceType: string; resourceName: string; apiVersion?: string };
}

/** A deployment, with what `GET …/deployments/{name}` answers and its operations. */
export interface DeploymentRecord {
  id: string;
  name: string;
  subscriptionId: string;
  /** The resource group it deploys to; empty at subscription scope. */
  resourceGroup: string;
  location?: string;
  tags?: Record<string, string>;
  mode: 'Incremental' | 'Complete';
  state: DeploymentState;
  correlationId: string;
  startedAt: number;
  finishedAt?: number;
  templateHash: string;
  parameters: Record<string, { type: string; value?: unknown }>;
  outputs?: Record<string, { type: string; value?: unknown }>;
  outputResources: { id: string }[];
  validatedResources?: { id: string }[];
  dependencies: { id: string; resourceType: string; resourceName: string; dependsOn: unknown[] }[];
  providers: { namespace: string; resourceTypes: { resourceType: string; locations: string[] }[] }[];
  error?: ProviderError;
  operations: DeploymentOperationRecord[];
  /** Aborts the running deployment (POST …/cancel). */
  abort: AbortController;
}

const deploymentsByStore = new WeakMap<ResourceStore, Map<string, DeploymentRecord>>();

/** The deployments of a cloud, keyed by lower-cased deployment id. */
export function deploymentsOf(store: ResourceStore): Map<string, DeploymentRecord> {
  let found = deploymentsByStore.get(store);
  if (found === undefined) {
    found = new Map();
    deploymentsByStore.set(store, found);
  }
  return found;
}

/** The deployment as `GET …/deployments/{name}` answers it. */
export function deploymentBody(record: DeploymentRecord, now: number): Record<string, unknown> {
  const end = record.finishedAt ?? now;
  return {
    id: record.id,
    name: record.name,
    type: 'Microsoft.Resources/deployments',
    ...(record.location === undefined ? {} : { location: record.location }),
    ...(record.tags === undefined ? {} : { tags: record.tags }),
    properties: {
      templateHash: record.templateHash,
      parameters: record.parameters,
      mode: record.mode,
      provisioningState: record.state,
      timestamp: new Date(end).toISOString(),
      duration: isoDuration(end - record.startedAt),
      correlationId: record.correlationId,
      providers: record.providers,
      dependencies: record.dependencies,
      ...(record.outputs === undefined ? {} : { outputs: record.outputs }),
      outputResources: record.outputResources,
      ...(record.validatedResources === undefined ? {} : { validatedResources: record.validatedResources }),
      ...(record.error === undefined ? {} : { error: record.error }),
    },
  };
}

/** One operation as `GET …/deployments/{name}/operations` lists it. */
export function operationBody(record: DeploymentRecord, operation: DeploymentOperationRecord): object {
  return {
    id: `${record.id}/operations/${operation.operationId}`,
    operationId: operation.operationId,
    properties: {
      provisioningOperation: operation.provisioningOperation,
      provisioningState: operation.provisioningState,
      timestamp: operation.timestamp,
      duration: operation.duration ?? 'PT0S',
      trackingId: operation.trackingId,
      serviceRequestId: operation.serviceRequestId,
      ...(operation.statusCode === undefined ? {} : { statusCode: operation.statusCode }),
      ...(operation.statusMessage === undefined ? {} : { statusMessage: operation.statusMessage }),
      targetResource: operation.targetResource,
    },
  };
}
