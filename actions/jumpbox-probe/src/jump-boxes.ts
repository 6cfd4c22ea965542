import type { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { InputError, quoteValue } from '@azpn/core';
import {
  parseResourceGroupResourceId,
  resourceGroupResourceIdProblem,
  resourceNameProblem,
  type OpenAzure,
} from '@azpn/azure';
import { containerInstancesClient } from '@azpn/azure/clients/container-instances';

/** A container group used as a jump box. */
export interface JumpBox {
  /** As the user wrote it in `jump-boxes`. */
  label: string;
  id: string;
  /** The subscription the group's id names, where it is read, started, probed and stopped. */
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** The container instance client for the subscription `box` lives in, which need not be the connection's. */
export function containerInstancesFor(azure: OpenAzure, box: JumpBox): ContainerInstanceManagementClient {
  return azure.client(containerInstancesClient, box.subscriptionId);
}

const groupType = 'Microsoft.ContainerInstance/containerGroups';

/**
 * Reads one line of `jump-boxes` (or an id of `started-groups`, named by `input`): a container group id, checked
 * by the one id parser, or a name, checked by ACI's naming rule, in `resource-group`.
 */
export function parseJumpBox(
  text: string,
  subscriptionId: string,
  resourceGroup: string | undefined,
  input = 'jump-boxes',
): JumpBox {
  if (text.includes('/')) {
    const problem = resourceGroupResourceIdProblem(text, groupType);
    if (problem)
      throw new InputError(
        input,
        `Input ${input} has ${quoteValue(text)}, which is not a container group id (${problem}): give /subscriptions/GUID/resourceGroups/GROUP/providers/${groupType}/NAME, or a name.`,
      );
    return { label: text, id: text, ...parseResourceGroupResourceId(text, groupType)! };
  }
  const problem = resourceNameProblem('container group', text);
  if (problem)
    throw new InputError(
      input,
      `Input ${input} has ${quoteValue(text)}, which is neither a container group id nor a container group name (${problem}): give one per line.`,
    );
  if (!resourceGroup)
    throw new InputError(
      'resource-group',
      `Input resource-group is required when jump-boxes names a container group by name (${quoteValue(text)}): give the group's resource group, or its full id.`,
    );
  const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${groupType}/${text}`;
  return { label: text, id, subscriptionId, resourceGroup, name: text };
}

/** The state ACI reports for a group (`Running`, `Stopped`, `Pending`, …). */
export async function groupState(
  azure: OpenAzure,
  box: JumpBox,
): Promise<{ state: string; container: string; runningSince?: number }> {
  const group = await containerInstancesFor(azure, box).containerGroups.get(box.resourceGroup, box.name);
  const first = group.containers[0];
  if (!first?.name) throw new Error(`container group ${box.name} has no container to run probes in`);
  const state = group.instanceView?.state ?? 'Unknown';
  // ACI bills a running group from its container's start; the instance view says when that was.
  const since = first.instanceView?.currentState?.startTime;
  const runningSince = state === 'Running' && since ? new Date(since).getTime() : undefined;
  return { state, container: first.name, ...(Number.isFinite(runningSince) ? { runningSince } : {}) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the group reports `wanted`, or fails after `limitMs`. */
export async function waitForState(
  azure: OpenAzure,
  box: JumpBox,
  wanted: string,
  limitMs: number,
): Promise<string> {
  const until = Date.now() + limitMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    const { state, container } = await groupState(azure, box);
    if (state === wanted) return container;
    if (Date.now() > until)
      throw new Error(`container group ${box.name} is still ${state} after ${Math.round(limitMs / 1000)} s`);
    await sleep(delay);
  }
}

/** Starts the group (long-running) and waits until it reports Running; answers its first container. */
export async function startJumpBox(azure: OpenAzure, box: JumpBox, limitMs: number): Promise<string> {
  await containerInstancesFor(azure, box).containerGroups.beginStartAndWait(box.resourceGroup, box.name, {
    updateIntervalInMs: 500,
  });
  return waitForState(azure, box, 'Running', limitMs);
}

/** Stops the group and answers the wall-clock time at which ACI confirmed it stopped. */
export async function stopJumpBox(azure: OpenAzure, box: JumpBox, limitMs: number): Promise<number> {
  await containerInstancesFor(azure, box).containerGroups.stop(box.resourceGroup, box.name);
  await waitForState(azure, box, 'Stopped', limitMs);
  return Date.now();
}
