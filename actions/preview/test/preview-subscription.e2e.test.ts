import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeploymentStacksClient } from '@azure/arm-resourcesdeploymentstacks';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';
import { PreviewCloud, type PullRequestMoment } from './github-preview-harness.js';

// Previews at subscription scope, on GitHub: a template that makes its own resource group (bicep/landing-zone) is
// deployed as a deployment stack named after the pull request, which carries the preview tags; the teardown and the
// sweep delete the stack with the groups it manages, and never a stack that is not this repository's preview.

const cloud = new PreviewCloud();
const template = 'bicep/landing-zone/main.bicep';
const inputs = (pr: number) => ({
  scope: 'subscription',
  location: 'westeurope',
  template,
  'parameter-overrides': `name: pr-${pr}\ntags: {environment: preview}`,
});
const moment = (number: number, action: PullRequestMoment['action'], head = '5'.repeat(40)) => ({
  number,
  head,
  action,
});

function stacks(): DeploymentStacksClient {
  const access = cloudSdkAccess(cloud.local.cloud);
  return new DeploymentStacksClient(access.credential, cloud.local.cloud.subscriptionId, access.options);
}

async function stackNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const stack of stacks().deploymentStacks.listAtSubscription()) names.push(stack.name!);
  return names.sort();
}

async function groupNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const group of cloud.resources().resourceGroups.list()) names.push(group.name!);
  return names.sort();
}

beforeAll(async () => {
  await cloud.start();
  // Someone else's stack under the name pull request 9's preview would take, without any preview tags.
  await stacks().deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait(
    'preview-infra-pr-9',
    {
      location: 'westeurope',
      properties: {
        template: {
          $schema:
            'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
          contentVersion: '1.0.0.0',
          resources: [],
        },
        actionOnUnmanage: { resources: 'detach', resourceGroups: 'detach' },
        denySettings: { mode: 'none' },
      },
    },
    { updateIntervalInMs: 20 },
  );
});
afterAll(() => cloud.stop());

describe('a preview at subscription scope on GitHub', () => {
  it('deploys the pull request as a tagged deployment stack that made its own group, and says so in the comment', async () => {
    const step = await cloud.step(moment(8, 'opened'), inputs(8));
    expect(step.errors).toEqual([]);
    expect([
      step.outputs['environment-name'],
      step.outputs['stack-name'],
      step.outputs['resource-group'],
    ]).toEqual(['preview-infra-pr-8', 'preview-infra-pr-8', '']);
    expect(step.outputs['stack-id']).toBe(
      `/subscriptions/${cloud.local.cloud.subscriptionId}/providers/Microsoft.Resources/deploymentStacks/preview-infra-pr-8`,
    );
    expect(step.outputs.resourceGroupName).toBe('rg-pr-8');
    const stack = await stacks().deploymentStacks.getAtSubscription('preview-infra-pr-8');
    expect(stack.tags).toMatchObject({
      'preview-repository': 'azpn/infra',
      'preview-pull-request': '8',
      'preview-head-commit': '5'.repeat(40),
    });
    expect(new Date(stack.tags!['expires-at']!).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(stack.properties?.actionOnUnmanage).toMatchObject({
      resources: 'delete',
      resourceGroups: 'delete',
    });
    expect((stack.properties?.resources ?? []).map((r) => r.id?.split('/').pop())).toEqual(
      expect.arrayContaining(['rg-pr-8', 'vnet-pr-8']),
    );
    const [comment] = await cloud.comments(8);
    expect(comment!.body).toContain('### Preview `preview-infra-pr-8`: deployed');
    expect(comment!.body).toContain('deployment stack `preview-infra-pr-8`');
    expect(step.summary).toContain('to the deployment stack preview-infra-pr-8, which expires at');
  });

  it('renews the stack on a push, keeping its creation time', async () => {
    const before = (await stacks().deploymentStacks.getAtSubscription('preview-infra-pr-8')).tags!;
    const step = await cloud.step(moment(8, 'synchronize', '6'.repeat(40)), inputs(8));
    expect(step.errors).toEqual([]);
    const after = (await stacks().deploymentStacks.getAtSubscription('preview-infra-pr-8')).tags!;
    expect(after['preview-head-commit']).toBe('6'.repeat(40));
    expect(after['created-at']).toBe(before['created-at']);
    expect(await cloud.comments(8)).toHaveLength(1);
  });

  it("refuses to deploy over or tear down a stack that is not this pull request's, changing nothing", async () => {
    const deploy = await cloud.step(moment(9, 'opened'), inputs(9));
    expect(deploy.errors).toEqual([
      'The deployment stack preview-infra-pr-9 is not the preview of azpn/infra pull request #9 (it carries no preview tags): nothing was deployed; set prefix to a name of its own.',
    ]);
    const destroy = await cloud.step(moment(9, 'closed'), { mode: 'destroy', scope: 'subscription' });
    expect(destroy.errors).toEqual([
      'The deployment stack preview-infra-pr-9 is not the preview of azpn/infra pull request #9 (it carries no preview tags): nothing was deleted; set prefix to a name of its own.',
    ]);
    expect(await stackNames()).toContain('preview-infra-pr-9');
    expect(await groupNames()).not.toContain('rg-pr-9');
  });

  it('tears the preview down on close: the stack and the group it made are deleted', async () => {
    const step = await cloud.step(moment(8, 'closed', '6'.repeat(40)), {
      mode: 'destroy',
      scope: 'subscription',
    });
    expect(step.errors).toEqual([]);
    expect(step.outputs.deleted).toBe('true');
    expect(await stackNames()).toEqual(['preview-infra-pr-9']);
    expect(await groupNames()).not.toContain('rg-pr-8');
    const [comment] = await cloud.comments(8);
    expect(comment!.body).toContain(
      'The deployment stack `preview-infra-pr-8` was deleted with the resources and groups it managed.',
    );
    const again = await cloud.step(moment(8, 'closed', '6'.repeat(40)), {
      mode: 'destroy',
      scope: 'subscription',
    });
    expect([again.errors, again.outputs.deleted]).toEqual([[], 'false']);
  });

  it('sweeps the stacks of closed pull requests, keeps open ones, and never lists a stack that is not a preview', async () => {
    expect((await cloud.step(moment(10, 'opened'), inputs(10))).errors).toEqual([]);
    expect((await cloud.step(moment(11, 'opened'), inputs(11))).errors).toEqual([]);
    await cloud.hold(moment(10, 'closed'));

    const dry = await cloud.scheduled({ mode: 'sweep', scope: 'subscription', 'dry-run': 'true' });
    expect(dry.errors).toEqual([]);
    expect(JSON.parse(dry.outputs['would-delete']!)).toEqual(['preview-infra-pr-10']);
    expect(JSON.parse(dry.outputs.kept!)).toEqual(['preview-infra-pr-11']);
    expect(dry.summary).toMatch(/\| deployment stack \| pull request \|/);
    expect(await stackNames()).toEqual(['preview-infra-pr-10', 'preview-infra-pr-11', 'preview-infra-pr-9']);

    const swept = await cloud.scheduled({ mode: 'sweep', scope: 'subscription' });
    expect(swept.errors).toEqual([]);
    expect(JSON.parse(swept.outputs.deleted!)).toEqual(['preview-infra-pr-10']);
    expect(swept.summary).toMatch(
      /\| preview-infra-pr-10 \| #10 \| .* \| deleted \| pull request #10 is closed \|/,
    );
    expect(swept.summary).not.toContain('preview-infra-pr-9');
    expect(await stackNames()).toEqual(['preview-infra-pr-11', 'preview-infra-pr-9']);
    expect((await groupNames()).filter((g) => g.startsWith('rg-pr-'))).toEqual(['rg-pr-11']);
  });

  it('refuses a subscription-scope deploy without a location, before any call', async () => {
    await cloud.admin.clearCalls();
    const { location: _, ...rest } = inputs(12);
    const step = await cloud.step(moment(12, 'opened'), rest, { hold: false });
    expect(step.errors).toEqual([
      'Input location is not set, and a subscription-scope preview needs the region that keeps its deployment stack: set it, such as westeurope.',
    ]);
    expect((await cloud.admin.calls()).filter((c) => c.operation !== 'token')).toEqual([]);
  });
});
