/** A resource group as ARM returns it. */
export interface ResourceGroupRecord {
  id: string;
  name: string;
  type: 'Microsoft.Resources/resourceGroups';
  location: string;
  managedBy?: string;
  tags?: Record<string, string>;
  properties: { provisioningState: 'Succeeded' | 'Deleting' };
}

/** Any other resource, stored with the body its PUT carried. */
export interface ResourceRecord {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  kind?: string;
  sku?: unknown;
  properties: Record<string, unknown>;
  [extra: string]: unknown;
}

/** A long-running operation: finishes at `completesAt`, then `complete` applies its effect. */
export interface LongRunningOperation {
  id: string;
  subscriptionId: string;
  /** When it started, on the cloud's clock (status bodies report it). */
  startedAt: number;
  completesAt: number;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  complete: () => void;
  /** An injected failure: at `completesAt` the operation ends Failed with this error, and `fail` runs instead. */
  failure?: { code: string; message: string };
  fail?: () => void;
  /** The body the operation-result URL answers once done (what-if results); none for plain operations. */
  result?: () => unknown;
}

/** The cloud's in-memory resources, keyed by lower-cased id as ARM ids are case-insensitive. */
export class ResourceStore {
  readonly resourceGroups = new Map<string, ResourceGroupRecord>();
  readonly resources = new Map<string, ResourceRecord>();
  readonly operations = new Map<string, LongRunningOperation>();

  /** Completes every operation whose time has come. Run before each call, so no timers are needed. */
  settle(now: number): void {
    for (const operation of this.operations.values()) {
      if (operation.status === 'InProgress' && operation.completesAt <= now) {
        if (operation.failure) {
          operation.status = 'Failed';
          operation.fail?.();
        } else {
          operation.status = 'Succeeded';
          operation.complete();
        }
      }
    }
  }

  /** The resources whose id lies under `prefix` (a resource group or subscription id). */
  resourcesUnder(prefix: string): ResourceRecord[] {
    const lower = prefix.toLowerCase() + '/';
    return [...this.resources.entries()].filter(([key]) => key.startsWith(lower)).map(([, r]) => r);
  }
}
