/** Where a stacks call points: the scope of the stack (a resource group, or the subscription), the stack, the action. */
export interface StackAddress {
  subscriptionId: string;
  resourceGroup?: string;
  name?: string;
  action?: 'validate' | 'exporttemplate';
}

/** The stack's resource id. */
export function stackId(address: StackAddress): string {
  const scope = `/subscriptions/${address.subscriptionId}${address.resourceGroup === undefined ? '' : `/resourceGroups/${address.resourceGroup}`}`;
  return `${scope}/providers/Microsoft.Resources/deploymentStacks/${address.name}`;
}
