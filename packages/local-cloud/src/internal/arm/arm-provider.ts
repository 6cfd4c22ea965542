/**
 * The contract between ARM's core and the resource providers it serves: the context every route is given, the route
 * a provider answers, and the descriptor a provider hands the core.
 */
import type { Latencies, OperationType, Scenario } from '../../scenario/types.js';
import type { FaultInjector } from '../control/fault-injector.js';
import type { Exchange, Reply } from '../http/exchange.js';
import type { ResourceStore } from './resource-store.js';

/** What the ARM routes share: the store, the scenario's directory, the providers served and the runtime knobs. */
export interface ArmContext {
  store: ResourceStore;
  scenario: Scenario;
  /** The cloud's resource manager URL, ending in `/`. */
  resourceManager: string;
  latencies: Latencies;
  faults: FaultInjector;
  /** The cloud's clock, in milliseconds. */
  now: () => number;
  /** The resource providers the cloud serves, asked in order before the generic resource store. */
  providers: readonly ArmProvider[];
}

/** A routed ARM call: its operation type (for latency, faults, throttling), its subscription and its handler. */
export interface ArmRoute {
  operation: OperationType;
  /** The subscription the call acts in; the gateway checks it belongs to the caller's tenant and throttles it. */
  subscriptionId?: string;
  /** True when a resource provider, not ARM itself, answers (its errors carry no gateway mark). */
  byProvider?: boolean;
  run: () => Reply;
}

/**
 * One write, delete or action as ARM's authorization sees it before any provider runs: who asks, for what RBAC
 * action, on which scope.
 */
export interface ArmAuthorizationRequest {
  /** The caller's object id; absent for the cloud's own calls made for no principal. */
  principal?: string;
  /** The caller's application (client) id, as ARM names it in its authorization errors. */
  clientId?: string;
  /** The ARM service acting on the caller's behalf (a deployment stack's resource id), if one is. */
  actingFor?: string;
  /**
   * The RBAC action: `{type}/write` for PUT and PATCH, `{type}/delete` for DELETE, `{type}/{name}/action` for POST
   * (`Microsoft.Resources/subscriptions/resourceGroups/delete` for a resource group).
   */
  action: string;
  /** The resource (or resource group) the action is on, as the path names it. */
  scope: string;
}

/**
 * What ARM is told when something happens to a resource group that a provider must hear of. ARM removes the
 * resources stored under a group itself; a hook handles what the provider keeps elsewhere.
 */
export interface ArmProviderHooks {
  /**
   * Runs when a resource group's deletion completes, after ARM removed the resources stored under it and before the
   * group itself goes: the provider drops what it keeps of the group outside the resource store (deployments), and
   * what resources in other groups keep of the group's resources (a subnet's `ipConfigurations` back-references).
   */
  resourceGroupDeleted?(context: ArmContext, groupId: string): void;
  /**
   * ARM's authorization of a write, delete or action, asked before the call reaches any handler (a client's call or
   * one the deployment engine makes for its caller): a reply refuses it (a deny assignment the provider keeps, as
   * deployment stacks do), undefined lets it through.
   */
  authorize?(context: ArmContext, request: ArmAuthorizationRequest): Reply | undefined;
}

/**
 * One resource provider as the ARM core sees it (a Microsoft.* namespace, or ARM's own deployments service): what
 * it registers (`GET /subscriptions/{id}/providers/{namespace}`), the api-version ARM uses for its types when none
 * is named, and the calls it answers. The core imports no provider: it is handed these descriptors (see
 * `CloudPlugin`) and asks each `route` in turn, before its generic resource store.
 *
 * Several descriptors may share a namespace (Microsoft.Network and its private DNS zones): the registration lists
 * the types of all of them.
 */
export interface ArmProvider {
  /** The namespace as ARM spells it, such as `Microsoft.Network`. */
  namespace: string;
  /** The resource types it serves, relative to the namespace (`virtualNetworks/subnets`). */
  resourceTypes: string[];
  /** The api-versions it accepts for them. */
  apiVersions: string[];
  /** The api-version ARM's own callers (deployment engine, admin deletes) use when no template names one. */
  defaultApiVersion: string;
  /** True for types ARM registers without locations (deployments); others list the scenario's locations. */
  locationless?: boolean;
  /**
   * Finds the handler of a call, or answers undefined when the path is not this provider's. Paths arrive
   * normalised (one slash between segments, no trailing slash); their case is the caller's.
   */
  route(exchange: Exchange, context: ArmContext): ArmRoute | undefined;
  /** What the provider must hear of resource groups. */
  hooks?: ArmProviderHooks;
}
