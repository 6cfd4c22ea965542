import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readTaskManifest, type TaskManifest } from '@azpn/action-host';
import { PipelineRefusedError } from './pipeline-errors.js';

/** A task of the repository: its folder and its task.json. */
export interface CatalogTask {
  dir: string;
  manifest: Omit<TaskManifest, 'inputs'> & {
    version?: { Major: number };
    inputs?: (NonNullable<TaskManifest['inputs']>[number] & { aliases?: string[] })[];
  };
}

/** The repository's tasks (`actions/*\/task.json`) by `Name@Major`, ignoring case. */
export function taskCatalog(workspace: string): Map<string, CatalogTask> {
  const catalog = new Map<string, CatalogTask>();
  const actions = join(workspace, 'actions');
  if (!existsSync(actions)) return catalog;
  for (const name of readdirSync(actions)) {
    const file = join(actions, name, 'task.json');
    if (!existsSync(file)) continue;
    const manifest = readTaskManifest(file) as CatalogTask['manifest'];
    catalog.set(`${manifest.name}@${manifest.version?.Major ?? 0}`.toLowerCase(), {
      dir: join(actions, name),
      manifest,
    });
  }
  return catalog;
}

/** The task a `task:` names, or a refusal saying which tasks the executor runs. */
export function findTask(catalog: Map<string, CatalogTask>, reference: string, where: string): CatalogTask {
  const task = catalog.get(reference.toLowerCase());
  if (task) return task;
  const known = [...catalog.values()]
    .map((t) => `${t.manifest.name}@${t.manifest.version?.Major ?? 0}`)
    .join(', ');
  throw new PipelineRefusedError(
    `${where} uses the task ${reference}, which the executor does not run: use one of this repository's tasks (${known}), script: or bash:.`,
  );
}
