import type { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { InputError } from '@azpn/core';

/** A container group used as a jump box. */
export interface JumpBox {
  /** As the user wrote it in `jump-boxes`. */
  label: string;
  id: string;
  resourceGroup: string;
  name: string;
}

const idPattern =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerInstance\/containerGroups\/([^/]+)$/i;
const namePattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Reads one line of `jump-boxes`: a container group id, or a name in `resource-group`. */
export function parseJumpBox(
  text: string,
  subscriptionId: string,
  resourceGroup: string | undefined,
): JumpBox {
  const byId = idPattern.exec(text);
  if (byId) return { label: text, id: text, resourceGroup: byId[2]!, name: byId[3]! };
  if (!namePattern.test(text))
    throw new InputError(
      'jump-boxes',
      `Input jump-boxes has "${text}", which is neither a container group id nor a container group name (lowercase letters, digits and dashes): give one per line.`,
    );
  if (!resourceGroup)
    throw new InputError(
      'resource-group',
      `Input resource-group is required when jump-boxes names a container group by name ("${text}"): give the group's resource group, or its full id.`,
    );
  const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/${text}`;
  return { label: text, id, resourceGroup, name: text };
}

/** The state ACI reports for a group (`Running`, `Stopped`, `Pending`, …). */
export async function groupState(
  client: ContainerInstanceManagementClient,
  box: JumpBox,
): Promise<{ state: string; container: string; runningSince?: number }> {
  const group = await client.containerGroups.get(box.resourceGroup, box.name);
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
  client: ContainerInstanceManagementClient,
  box: JumpBox,
  wanted: string,
  limitMs: number,
): Promise<string> {
  const until = Date.now() + limitMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    const { state, container } = await groupState(client, box);
    if (state === wanted) return container;
    if (Date.now() > until)
      throw new Error(`container group ${box.name} is still ${state} after ${Math.round(limitMs / 1000)} s`);
    await sleep(delay);
  }
}

/** Starts the group (long-running) and waits until it reports Running; answers its first container. */
export async function startJumpBox(
  client: ContainerInstanceManagementClient,
  box: JumpBox,
  limitMs: number,
): Promise<string> {
  await client.containerGroups.beginStartAndWait(box.resourceGroup, box.name, { updateIntervalInMs: 500 });
  return waitForState(client, box, 'Running', limitMs);
}

/** Stops the group and answers the wall-clock time at which ACI confirmed it stopped. */
export async function stopJumpBox(
  client: ContainerInstanceManagementClient,
  box: JumpBox,
  limitMs: number,
): Promise<number> {
  await client.containerGroups.stop(box.resourceGroup, box.name);
  await waitForState(client, box, 'Stopped', limitMs);
  return Date.now();
}
