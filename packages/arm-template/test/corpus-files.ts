import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Every `.bicepparam` file under `root` (none when `root` does not exist), skipping hidden folders. */
export function findParamFiles(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(root, entry);
    if (entry.startsWith('.') || entry === 'node_modules') return [];
    if (statSync(path).isDirectory()) return findParamFiles(path);
    return entry.endsWith('.bicepparam') ? [path] : [];
  });
}

/** A deployment context as the `bicep snapshot` flags give it: a resource group, or none at subscription scope. */
export interface CorpusContext {
  tenantId: string;
  subscriptionId: string;
  resourceGroup?: string;
  location: string;
  deploymentName?: string;
}

/**
 * The context a compiled template deploys in: without the resource group when Bicep wrote it for subscription scope
 * (`targetScope = 'subscription'`), as `bicep snapshot` is run for it.
 */
export function contextForTemplate(template: unknown, context: Required<CorpusContext>): CorpusContext {
  const schema = String((template as { $schema?: unknown }).$schema ?? '');
  if (!/subscriptionDeploymentTemplate\.json/i.test(schema)) return context;
  const { resourceGroup: _group, ...atSubscription } = context;
  return atSubscription;
}

/**
 * The context a `.bicepparam` file deploys in, read from the `targetScope` of the Bicep file it uses, so the snapshot
 * can start before the compile that confirms it (`contextForTemplate`).
 */
export function contextForParamFile(paramFile: string, context: Required<CorpusContext>): CorpusContext {
  const using = /^using\s+'([^']+\.bicep)'/m.exec(readFileSync(paramFile, 'utf8'))?.[1];
  const source = using === undefined ? '' : readFileSync(join(dirname(paramFile), using), 'utf8');
  if (!/^targetScope\s*=\s*'subscription'/m.test(source)) return context;
  const { resourceGroup: _group, ...atSubscription } = context;
  return atSubscription;
}
