import type { ResourceStore } from '../../arm/resource-store.js';
import type { ProviderError } from '../../arm-calls/call-provider.js';

/** What becomes of a resource the stack stops managing: `delete` removes it from Azure, `detach` leaves it. */
export type UnmanageAction = 'delete' | 'detach';

/** The stack's `actionOnUnmanage`: for resources, resource groups (and management groups, kept as sent). */
export interface ActionOnUnmanage {
  resources: UnmanageAction;
  resourceGroups?: UnmanageAction;
  managementGroups?: UnmanageAction;
}

/** The stack's `denySettings`: the deny assignments it keeps on what it manages. */
export interface DenySettings {
  mode: 'none' | 'denyDelete' | 'denyWriteAndDelete';
  excludedPrincipals?: string[];
  excludedActions?: string[];
  applyToChildScopes?: boolean;
}

/** A resource the stack manages, as `properties.resources` lists it. */
export interface ManagedResource {
  id: string;
  status: 'managed' | 'removeDenyFailed' | 'deleteFailed';
  denyStatus: DenySettings['mode'] | 'inapplicable';
}

/** The states a stack goes through, as ARM spells them. */
export type StackState =
  | 'creating'
  | 'deploying'
  | 'updatingDenyAssignments'
  | 'deletingResources'
  | 'succeeded'
  | 'failed'
  | 'canceled'
  | 'deleting';

/** A deployment stack at resource-group or subscription scope, with what its GET answers. */
export interface StackRecord {
  id: string;
  name: string;
  subscriptionId: string;
  /** The stack's resource group; absent for a stack at subscription scope. */
  resourceGroup?: string;
  /** The location of a subscription-scope stack (a group's stack lives in its group's). */
  location?: string;
  tags?: Record<string, string>;
  description?: string;
  template: Record<string, unknown>;
  /** The parameters as sent (`{ name: { value } }`). */
  parameters: Record<string, { value?: unknown }>;
  actionOnUnmanage: ActionOnUnmanage;
  denySettings: DenySettings;
  bypassStackOutOfSyncError: boolean;
  state: StackState;
  correlationId: string;
  startedAt: number;
  /** The duration of the last successful run, as ARM reports it. */
  duration?: string;
  deploymentId?: string;
  outputs?: Record<string, { type: string; value?: unknown }>;
  resources: ManagedResource[];
  deletedResources: { id: string }[];
  detachedResources: { id: string }[];
  failedResources: { id: string; error: ProviderError }[];
  error?: ProviderError;
}

const stacksByStore = new WeakMap<ResourceStore, Map<string, StackRecord>>();

/** The deployment stacks of a cloud, keyed by lower-cased stack id. */
export function stacksOf(store: ResourceStore): Map<string, StackRecord> {
  let found = stacksByStore.get(store);
  if (found === undefined) {
    found = new Map();
    stacksByStore.set(store, found);
  }
  return found;
}

/** True while a stack runs (a create, an update or a delete): no other write may start. */
export function isRunning(record: StackRecord): boolean {
  return !['succeeded', 'failed', 'canceled'].includes(record.state);
}

const secureTypes = new Set(['securestring', 'secureobject']);

/**
 * The parameters as the stack's GET answers them, and as the stack keeps them once its deployment has them: a
 * secure one without its value, so neither an answer nor the snapshot file holds it.
 */
export function reportedParameters(record: StackRecord): Record<string, { value?: unknown }> {
  const declared = (record.template.parameters ?? {}) as Record<string, { type?: string }>;
  return Object.fromEntries(
    Object.entries(record.parameters).map(([name, entry]) =>
      secureTypes.has(String(declared[name]?.type).toLowerCase()) ? [name, {}] : [name, entry],
    ),
  );
}

/** The stack as `GET …/deploymentStacks/{name}` answers it (api-version 2024-03-01's shape). */
export function stackBody(record: StackRecord): Record<string, unknown> {
  const optional = <T>(name: string, value: T | undefined) => (value === undefined ? {} : { [name]: value });
  return {
    id: record.id,
    name: record.name,
    type: 'Microsoft.Resources/deploymentStacks',
    ...optional('location', record.location),
    ...optional('tags', record.tags),
    properties: {
      ...optional('description', record.description),
      parameters: reportedParameters(record),
      actionOnUnmanage: record.actionOnUnmanage,
      denySettings: record.denySettings,
      bypassStackOutOfSyncError: record.bypassStackOutOfSyncError,
      provisioningState: record.state,
      correlationId: record.correlationId,
      ...optional('deploymentId', record.deploymentId),
      ...optional('outputs', record.outputs),
      ...optional('duration', record.duration),
      ...optional('error', record.error),
      resources: record.resources,
      deletedResources: record.deletedResources,
      detachedResources: record.detachedResources,
      failedResources: record.failedResources,
      ...(record.resourceGroup === undefined
        ? { deploymentScope: `/subscriptions/${record.subscriptionId}` }
        : {}),
    },
  };
}
