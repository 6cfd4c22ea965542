import type { PluginSnapshot } from '../../cloud-plugin.js';
import { deploymentsOf, type DeploymentRecord } from './deployment-record.js';
import { exportedTemplates } from './deployments-router.js';

/** A deployment as the snapshot holds it: its record without the abort handle, with the template it ran. */
type StoredDeployment = Omit<DeploymentRecord, 'abort'> & { template?: unknown };

function isActive(record: DeploymentRecord): boolean {
  return record.state === 'Accepted' || record.state === 'Running';
}

/** Ends a deployment the cloud stopped during: Failed (`DeploymentInterrupted`), its running operations too. */
function interrupt(record: DeploymentRecord, now: number): void {
  record.state = 'Failed';
  record.finishedAt = now;
  record.error = {
    code: 'DeploymentInterrupted',
    message: 'The local cloud stopped while this deployment ran; run it again.',
  };
  for (const operation of record.operations)
    if (operation.provisioningState === 'Running') operation.provisioningState = 'Failed';
}

/** The deployments (with their operations, outputs and templates) in the snapshot file. */
export const deploymentSnapshot: PluginSnapshot = {
  save: (store) =>
    [...deploymentsOf(store).entries()].map(([key, record]) => {
      const { abort: _abort, ...rest } = record;
      const template = exportedTemplates.get(record);
      return [key, template === undefined ? rest : { ...rest, template }];
    }),
  restore: (store, entries, now) => {
    const deployments = deploymentsOf(store);
    for (const [key, stored] of entries as [string, StoredDeployment][]) {
      const { template, ...fields } = stored;
      const record: DeploymentRecord = { ...fields, abort: new AbortController() };
      if (isActive(record)) interrupt(record, now);
      if (template !== undefined) exportedTemplates.set(record, template);
      deployments.set(key, record);
    }
  },
  busy: (store) => [...deploymentsOf(store).values()].some(isActive),
};
