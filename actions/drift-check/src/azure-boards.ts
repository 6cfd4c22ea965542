import type { IWorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi.js';
import type { JsonPatchOperation } from 'azure-devops-node-api/interfaces/common/VSSInterfaces.js';
import { UserFacingError } from '@azpn/core';
import { readDriftMarker, type DriftNotice, type DriftTracker, type TrackedDrift } from './drift-tracker.js';

/** Where the work items live and how to reach them. */
export interface AzureBoardsOptions {
  /** `System.CollectionUri`: `https://dev.azure.com/{organization}/`. */
  collectionUri: string;
  /** `System.TeamProject`. */
  project: string;
  /** `System.AccessToken`, the job's token (its build service identity needs to edit work items). */
  token: string;
  /** The tag every drift work item carries, by which WIQL finds it. */
  tag: string;
  /** The work item type to open: `Issue` (Basic, Agile, CMMI) by default. */
  workItemType: string;
  /** The state a work item is closed with: `Done` (Basic) by default, `Closed` in Agile and CMMI. */
  closedState: string;
}

/** WIQL's quoting of a text literal. */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * One JSON Patch operation on a field. The op goes as the text the REST API documents (`add`, `replace`): the
 * client's `Operation` enum is a number, which it would send as it is.
 */
const field = (name: string, value: unknown, op: 'add' | 'replace' = 'add'): JsonPatchOperation => ({
  op: op as unknown as JsonPatchOperation['op'],
  path: `/fields/${name}`,
  value,
});

/** Azure DevOps' refusal of a token, as one sentence that says what to change. */
function accessError(error: unknown, doing: string): unknown {
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== 401 && status !== 403) return error;
  return new UserFacingError(
    `The pipeline's token may not ${doing} (Azure DevOps answered ${status}): let the project's build service identity edit work items in the area, and give the task System.AccessToken.`,
  );
}

/**
 * Drift work items on Azure Boards through the official `azure-devops-node-api` client: tagged, marked in the
 * description, found with WIQL, commented through `System.History`, closed by their state.
 */
export class AzureBoards implements DriftTracker {
  readonly noun = 'work item';
  readonly format = 'html' as const;
  private api: Promise<IWorkItemTrackingApi> | undefined;
  private openItems: Promise<(TrackedDrift & { environment: string })[]> | undefined;

  constructor(private readonly options: AzureBoardsOptions) {}

  private tracking(): Promise<IWorkItemTrackingApi> {
    // Loaded on the first call: the client's module set-up costs milliseconds of every start.
    this.api ??= import('@azpn/code-host/azure-devops-connection').then(({ connectAzureDevOps }) =>
      connectAzureDevOps(this.options.collectionUri, this.options.token).getWorkItemTrackingApi(),
    );
    return this.api;
  }

  private async call<T>(doing: string, request: (api: IWorkItemTrackingApi) => Promise<T>): Promise<T> {
    try {
      return await request(await this.tracking());
    } catch (error) {
      throw accessError(error, doing);
    }
  }

  private url(id: number): string {
    const base = this.options.collectionUri.replace(/\/?$/, '/');
    return `${base}${encodeURIComponent(this.options.project)}/_workitems/edit/${id}`;
  }

  /** Every open work item with the tag and a marker: one WIQL query and one batch read per run. */
  private listOpen(): Promise<(TrackedDrift & { environment: string })[]> {
    const { tag, closedState, project } = this.options;
    const query =
      `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project ` +
      `AND [System.Tags] CONTAINS ${literal(tag)} AND [System.State] <> ${literal(closedState)} ` +
      `AND [System.State] <> 'Removed' ORDER BY [System.Id]`;
    this.openItems ??= this.call('read work items', async (api) => {
      const result = await api.queryByWiql({ query }, { project });
      const ids = (result.workItems ?? []).flatMap((w) => (w.id === undefined ? [] : [w.id]));
      const found: (TrackedDrift & { environment: string })[] = [];
      // getWorkItems reads at most 200 ids a call.
      for (let start = 0; start < ids.length; start += 200) {
        const batch = ids.slice(start, start + 200);
        const fields = ['System.Id', 'System.Description'];
        for (const item of await api.getWorkItems(batch, fields, undefined, undefined, undefined, project)) {
          const marker = readDriftMarker(String(item.fields?.['System.Description'] ?? ''));
          if (marker && item.id !== undefined) found.push({ id: item.id, url: this.url(item.id), ...marker });
        }
      }
      return found;
    });
    return this.openItems;
  }

  async find(environment: string): Promise<TrackedDrift | undefined> {
    const found = (await this.listOpen()).find((item) => item.environment === environment);
    return found && { id: found.id, url: found.url, fingerprint: found.fingerprint };
  }

  async open(notice: DriftNotice): Promise<{ id: number; url: string }> {
    const { project, workItemType, tag } = this.options;
    const document = [
      field('System.Title', notice.title),
      field('System.Description', notice.body),
      field('System.Tags', tag),
    ];
    const item = await this.call('create work items', (api) =>
      api.createWorkItem(null, document, project, workItemType),
    );
    return { id: item.id!, url: this.url(item.id!) };
  }

  async update(id: number, notice: DriftNotice, comment: string): Promise<void> {
    const document = [
      field('System.Title', notice.title, 'replace'),
      field('System.Description', notice.body, 'replace'),
      field('System.History', comment),
    ];
    await this.call('update work items', (api) =>
      api.updateWorkItem(null, document, id, this.options.project),
    );
  }

  async close(id: number, comment: string): Promise<void> {
    const document = [
      field('System.History', comment),
      field('System.State', this.options.closedState, 'replace'),
    ];
    await this.call('close work items', (api) =>
      api.updateWorkItem(null, document, id, this.options.project),
    );
  }
}
