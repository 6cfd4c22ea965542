import type { ArmValue } from './values.js';

/** Where a deployment runs: the values ARM takes from the request and its environment. */
export interface DeploymentContext {
  tenantId: string;
  subscriptionId: string;
  /**
   * The resource group a deployment at resource group scope runs in. Leave it out for a deployment at subscription
   * scope (a template whose `$schema` is `subscriptionDeploymentTemplate.json`, Bicep `targetScope = 'subscription'`).
   */
  resourceGroup?: string;
  /** The resource group's location, or at subscription scope the deployment's (`deployment().location`). */
  location: string;
  /** The deployment name; defaults to `deployment`. */
  deploymentName?: string;
  /** The subscription's display name, when the caller knows it. */
  subscriptionDisplayName?: string;
  /**
   * The cloud's `environment()` object (`AZURE_CLOUD_ENVIRONMENT` for the public cloud); without it, `environment()`
   * stays a runtime value, as `bicep snapshot` keeps it.
   */
  environment?: Record<string, ArmValue>;
  /** The deployment's clock, used by `utcNow()` (defaults to the moment expansion starts). */
  now?: Date;
  /** Makes the values `newGuid()` returns (defaults to random UUIDs). */
  newGuid?: () => string;
}

/**
 * The context as the engine carries it through one deployment and its modules. ARM evaluates a parameter default
 * once per deployment; the engine evaluates the template again to finish resources and outputs, so the clock and the
 * GUIDs must stay those of the first evaluation.
 */
export interface ExpansionContext extends DeploymentContext {
  deploymentName: string;
  now: Date;
  /** The GUID of the `newGuid()` call at `site` (a parameter default and the call's number in it). */
  newGuidAt(site: string): string;
  /** The location an enclosing deployment declares for the resource group with this id, if it creates it. */
  declaredGroupLocation?: (groupId: string) => string | undefined;
  /** Supplied secure parameters read as `parameters('name')` runtime values (see `ExpandOptions`). */
  secureParametersAsExpressions: boolean;
}

/** Fixes the deployment's clock and remembers each `newGuid()` call's value by where it was made. */
export function expansionContext(
  context: DeploymentContext,
  secureParametersAsExpressions = false,
): ExpansionContext {
  const guids = new Map<string, string>();
  const fresh = context.newGuid ?? (() => crypto.randomUUID());
  return {
    ...context,
    deploymentName: context.deploymentName ?? 'deployment',
    now: context.now ?? new Date(),
    secureParametersAsExpressions,
    newGuidAt(site) {
      let guid = guids.get(site);
      if (guid === undefined) guids.set(site, (guid = fresh()));
      return guid;
    },
  };
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
