import type { DeploymentScope } from './deployment-scope.js';
import type { ArmValue } from './values.js';

/** One resource the deployment would PUT, with everything needed to send and order the request. */
export interface PlannedResource {
  /** The full resource id. */
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  /** The symbolic name (languageVersion 2.0) or the name as declared. */
  symbolicName: string | undefined;
  /** Names of the nested deployments (Bicep modules) this resource comes from, outermost first; empty at the top. */
  deploymentPath: string[];
  /**
   * Where ARM deploys it: the scope of the deployment that declares it (a resource group, or the subscription for
   * a resource group itself, a policy assignment, … in a subscription-scope deployment).
   */
  deploymentScope: DeploymentScope;
  /** False when the resource's `condition` is false: ARM skips it and drops dependencies on it. */
  condition: boolean;
  /** The copy loop and index this instance comes from. */
  copy:
    { name: string; index: number; mode: 'parallel' | 'serial'; batchSize: number | undefined } | undefined;
  /** The request body: location, sku, kind, tags, identity, zones, properties, … Runtime parts are `RuntimeValue`s. */
  body: Record<string, ArmValue>;
  /** Ids of the planned resources this one waits for (explicit `dependsOn` plus implicit references). */
  dependsOn: string[];
  /** True while some of the body needs runtime state (finish it with `TemplateExpansion.finishResource`). */
  pending: boolean;
}

/** A diagnostic about the expansion that did not stop it. */
export interface ExpansionDiagnostic {
  level: 'warning' | 'info';
  code: string;
  message: string;
  target?: string;
}

/** A nested deployment (a Bicep module): ARM creates it as a `Microsoft.Resources/deployments` resource. */
export interface NestedDeployment {
  /**
   * The deployment's resource id: in the resource group it deploys to, or at subscription scope
   * (`/subscriptions/{id}/providers/Microsoft.Resources/deployments/{name}`).
   */
  id: string;
  name: string;
  /** Names of the enclosing nested deployments, outermost first; empty for a module of the top template. */
  parentPath: string[];
  subscriptionId: string;
  /** The resource group it deploys to; empty for a nested deployment at subscription scope (see `deploymentScope`). */
  resourceGroup: string;
  /** Where it deploys: its target resource group, or the subscription. */
  deploymentScope: DeploymentScope;
  /** Ids of the resources it deploys (its own modules' resources included). */
  resourceIds: string[];
  /** Ids of the resources it waits for before any of its own start. */
  dependsOn: string[];
}
