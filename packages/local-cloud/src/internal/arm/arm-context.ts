import type { Latencies, Scenario } from '../../scenario/types.js';
import type { FaultInjector } from '../control/fault-injector.js';
import type { ResourceStore } from './resource-store.js';

/** What the ARM routes share: the store, the scenario's directory and the runtime knobs. */
export interface ArmContext {
  store: ResourceStore;
  scenario: Scenario;
  resourceManager: string;
  latencies: Latencies;
  faults: FaultInjector;
  now: () => number;
}

/** The tenant owning a subscription, or undefined when the scenario declares no such subscription. */
export function subscriptionTenant(context: ArmContext, subscriptionId: string): string | undefined {
  return context.scenario.tenants.find((t) =>
    t.subscriptions.some((s) => s.id === subscriptionId.toLowerCase()),
  )?.id;
}
