/**
 * What the Azure DevOps stand-in keeps in the snapshot file: repositories, pull requests with their threads, and
 * work items with their comments. The build service identity and the access token are new on each start.
 */
import type { PluginSnapshot } from '../../cloud-plugin.js';
import {
  devOpsStateOf,
  gitRepositories,
  keepGitRepository,
  type StoredGitRepository,
  type StoredPullRequest,
  type StoredWorkItem,
} from './devops-state.js';

type Entry =
  | { id: string; kind: 'repository'; repository: StoredGitRepository }
  | { id: string; kind: 'pullRequest'; pullRequest: StoredPullRequest }
  | { id: string; kind: 'workItem'; workItem: StoredWorkItem };

/** One entry per repository, pull request and work item. */
export const devOpsSnapshot: PluginSnapshot = {
  save: (store) => {
    const state = devOpsStateOf(store);
    const entries: Entry[] = [
      ...gitRepositories(state).map((r) => ({
        id: `repository/${r.id}`,
        kind: 'repository' as const,
        repository: r,
      })),
      ...[...state.pullRequests.values()].map((p) => ({
        id: `pullRequest/${p.pullRequestId}`,
        kind: 'pullRequest' as const,
        pullRequest: p,
      })),
      ...[...state.workItems.values()].map((w) => ({
        id: `workItem/${w.id}`,
        kind: 'workItem' as const,
        workItem: w,
      })),
    ];
    return entries.map((e) => [e.id, e]);
  },
  restore: (store, entries) => {
    const state = devOpsStateOf(store);
    for (const [, entry] of entries as [string, Entry][]) {
      if (entry.kind === 'repository') keepGitRepository(state, entry.repository);
      if (entry.kind === 'pullRequest') {
        state.pullRequests.set(entry.pullRequest.pullRequestId, entry.pullRequest);
        state.nextPullRequestId = Math.max(state.nextPullRequestId, entry.pullRequest.pullRequestId + 1);
      }
      if (entry.kind === 'workItem') {
        state.workItems.set(entry.workItem.id, entry.workItem);
        state.nextWorkItemId = Math.max(state.nextWorkItemId, entry.workItem.id + 1);
      }
    }
  },
};
