/**
 * `mode: sweep`, on a schedule: lists this repository's preview groups (at scope subscription: deployment stacks) by
 * their repository tag (one without the tag, or with another repository's, is never listed, so never touched),
 * decides each (closed pull request or passed expiry: delete; otherwise keep), deletes unless `dry-run`, and writes a
 * table of what it kept and deleted, and why.
 */
import { markdownHeading, markdownTable, type Platform } from '@azpn/core';
import { openAzure, pollWithProgress, toUserFacingError, type OpenAzure } from '@azpn/azure';
import type { PullRequestHost } from '@azpn/code-host';
import { homeKindAt, type PreviewConfig, type PreviewScope } from './config.js';
import { openCodeHost } from './code-host.js';
import { deletePreviewStack, listPreviewStacks } from './preview-stack.js';
import { previewTagNames } from './preview-tags.js';
import { decideGroup, type SweepDecision } from './sweep-decision.js';
import { resourcesClient } from '@azpn/azure/clients/resources';

type SweepMode = Extract<PreviewConfig, { mode: 'sweep' }>;

/** ARM's `$filter` for the groups tagged with this repository. */
function repositoryFilter(repository: string): string {
  return `tagName eq '${previewTagNames.repository}' and tagValue eq '${repository.replaceAll("'", "''")}'`;
}

async function listPreviewGroups(azure: OpenAzure, repository: string) {
  const groups = [];
  for await (const group of azure.client(resourcesClient).resourceGroups.list({
    filter: repositoryFilter(repository),
  }))
    groups.push({ name: group.name ?? '', tags: group.tags ?? {} });
  return groups;
}

async function decideAll(
  host: PullRequestHost,
  groups: { name: string; tags: Record<string, string> }[],
  now: Date,
) {
  const states = new Map<number, Awaited<ReturnType<PullRequestHost['pullRequest']>>>();
  const decisions: SweepDecision[] = [];
  for (const group of groups) {
    const number = Number(group.tags[previewTagNames.pullRequest]);
    if (Number.isInteger(number) && number > 0 && !states.has(number))
      states.set(number, await host.pullRequest(number));
    decisions.push(decideGroup(group, states.get(number), now));
  }
  return decisions;
}

/** Deletes the doomed groups, or stacks with what they manage, side by side. */
async function deleteHomes(
  platform: Platform,
  azure: OpenAzure,
  scope: PreviewScope,
  names: string[],
): Promise<void> {
  await Promise.all(
    names.map(async (name) => {
      if (scope === 'subscription') return void (await deletePreviewStack(azure, name, platform));
      const poller = await azure.client(resourcesClient).resourceGroups.beginDelete(name);
      await pollWithProgress(poller, `delete ${name}`, platform);
    }),
  );
}

function summary(
  decisions: SweepDecision[],
  dryRun: boolean,
  repository: string,
  scope: PreviewScope,
): string {
  const noun = homeKindAt(scope);
  const verb = (d: SweepDecision) => (d.action === 'keep' ? 'kept' : dryRun ? 'would delete' : 'deleted');
  const rows = decisions.map((d) => [
    d.group,
    d.pullRequest ? `#${d.pullRequest}` : '',
    d.expiresAt ?? '',
    verb(d),
    d.reason,
  ]);
  const intro = decisions.length === 0 ? `No ${noun} is tagged as a preview of ${repository}.\n` : '';
  return (
    markdownHeading(`Preview sweep of ${repository}${dryRun ? ' (dry run: nothing deleted)' : ''}`) +
    intro +
    (rows.length > 0 ? markdownTable([noun, 'pull request', 'expires at', 'action', 'why'], rows) : '')
  );
}

/** Sweeps the repository's closed and expired previews. */
export async function sweepPreviews(platform: Platform, config: SweepMode): Promise<void> {
  const repository = config.host.repository;
  const host = openCodeHost(platform, config.host);
  const azure = await openAzure(platform, config.connection);
  let decisions: SweepDecision[];
  try {
    const homes =
      config.scope === 'subscription'
        ? await listPreviewStacks(azure, repository)
        : await listPreviewGroups(azure, repository);
    decisions = await decideAll(host, homes, new Date());
    const doomed = decisions.filter((d) => d.action === 'delete').map((d) => d.group);
    for (const d of decisions)
      platform.log.info(
        `${d.group}: ${d.action === 'keep' ? 'kept' : config.dryRun ? 'would delete' : 'deleting'}, ${d.reason}.`,
      );
    if (!config.dryRun) await deleteHomes(platform, azure, config.scope, doomed);
  } catch (error) {
    throw toUserFacingError(error);
  }
  const names = (action: SweepDecision['action']) =>
    JSON.stringify(decisions.filter((d) => d.action === action).map((d) => d.group));
  platform.outputs.set(config.dryRun ? 'would-delete' : 'deleted', names('delete'));
  platform.outputs.set('kept', names('keep'));
  await platform.summary.append(summary(decisions, config.dryRun, repository, config.scope));
}
