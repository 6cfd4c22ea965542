import type { PluginSnapshot } from '../../cloud-plugin.js';
import { isRunning, stacksOf, type StackRecord } from './stack-record.js';

/** The deployment stacks in the snapshot file; a stack the cloud stopped during ends failed. */
export const stackSnapshot: PluginSnapshot = {
  save: (store) => [...stacksOf(store).entries()].map(([key, record]) => [key, structuredClone(record)]),
  restore: (store, entries) => {
    const stacks = stacksOf(store);
    for (const [key, stored] of entries as [string, StackRecord][]) {
      const record = structuredClone(stored);
      if (isRunning(record)) {
        record.state = 'failed';
        record.error = {
          code: 'DeploymentStackInterrupted',
          message: 'The local cloud stopped while this stack ran; run it again.',
        };
      }
      stacks.set(key, record);
    }
  },
  busy: (store) => [...stacksOf(store).values()].some(isRunning),
};
