import type { StackSettings } from '@azpn/action-deploy/stack-settings';

/**
 * The deployment stack of a subscription-scope preview, named after its environment: it deletes what it stops
 * managing, resource groups included, so that a redeploy leaves nothing behind and the teardown deletes the whole
 * preview with the stack. No deny settings: the pull request's own runs write to it. Its tags (the preview's) are
 * added by the deploy, once the existing stack has been read.
 */
export function previewStackSettings(name: string): StackSettings {
  return {
    name,
    unmanage: 'deleteAll',
    actionOnUnmanage: { resources: 'delete', resourceGroups: 'delete' },
    denySettings: { mode: 'none', excludedPrincipals: [], excludedActions: [], applyToChildScopes: false },
    bypassStackOutOfSyncError: false,
  };
}
