import type { ArmValue } from './values.js';

/** Where a deployment runs: the values ARM takes from the request and its environment. */
export interface DeploymentContext {
  tenantId: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  /** The deployment name; defaults to `deployment`. */
  deploymentName?: string;
  /** The subscription's display name, when the caller knows it. */
  subscriptionDisplayName?: string;
  /** The cloud's `environment()` object; defaults to AzureCloud. */
  environment?: Record<string, ArmValue>;
  /** The deployment's clock, used by `utcNow()` (defaults to the moment expansion starts). */
  now?: Date;
  /** Makes the values `newGuid()` returns (defaults to random UUIDs). */
  newGuid?: () => string;
}

/** How a resource's state at run time is read: what `reference()` and `list*()` return once it exists. */
export interface RuntimeResolver {
  /**
   * The resource's state: with `full` the whole GET response, otherwise its `properties`.
   * Returns undefined while the state is not known yet.
   */
  reference(resourceId: string, apiVersion: string | undefined, full: boolean): ArmValue | undefined;
  /** The result of the `list*` action `action` (for example `listKeys`) on the resource, or undefined. */
  list?(
    resourceId: string,
    action: string,
    apiVersion: string | undefined,
    body: ArmValue | undefined,
  ): ArmValue | undefined;
}
