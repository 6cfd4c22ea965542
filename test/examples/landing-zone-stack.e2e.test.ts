import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceManagementClient } from '@azure/arm-resources';
import { LocalCloudAdmin, startLocalCloud, trustCloudCa, type LocalCloud } from '@azpn/local-cloud';
import { cloudSdkAccess } from '@azpn/local-cloud/test-support';
import {
  localCloudGitHubSettings,
  pushEvent,
  runGitHubWorkflow,
  workflowDispatchEvent,
  type GitHubEvent,
  type LocalCloudGitHubSettings,
} from '@azpn/workflow-executor';
import { expectConclusion } from './run-report.js';

/**
 * workflows-examples/landing-zone-stack.yml, executed: a push that changes bicep/landing-zone deploys it as a
 * subscription-scope stack with deny settings, and a manual run with teardown deletes the stack with its group.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const breakGlass = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';

let local: LocalCloud;
let stateDir: string;
let settings: LocalCloudGitHubSettings;
let resources: ResourceManagementClient;

function run(event: GitHubEvent) {
  return runGitHubWorkflow({
    workflow: join(root, 'workflows-examples', 'landing-zone-stack.yml'),
    workspace: root,
    event,
    ...settings,
    vars: { ...settings.vars, BREAK_GLASS_OBJECT_ID: breakGlass },
    stepTimeoutMs: 180_000,
  });
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-landing-stack-'));
  local = await startLocalCloud({ stateDir });
  await new LocalCloudAdmin(local.cloud).setLatencies({
    readMs: 0,
    writeMs: 0,
    longRunningMs: 0,
    tokenMs: 0,
  });
  trustCloudCa(local.cloud.caPem);
  settings = localCloudGitHubSettings(local, root);
  const access = cloudSdkAccess(local.cloud);
  resources = new ResourceManagementClient(access.credential, local.cloud.subscriptionId, access.options);
});

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('workflows-examples/landing-zone-stack.yml', () => {
  it('does not run for a push that leaves the landing zone alone', async () => {
    const result = await run(pushEvent({ branch: 'main', changedFiles: ['README.md'] }));
    expect(result.triggered).toBe(false);
  });

  it('on a push that changes it, deploys the landing zone as a stack that denies deleting its group', async () => {
    const result = await run(pushEvent({ branch: 'main', changedFiles: ['bicep/landing-zone/main.bicep'] }));
    expectConclusion(result, 'success');
    const [, landing, echo, teardown] = result.job('stack').steps;
    const stackId = `/subscriptions/${local.cloud.subscriptionId}/providers/Microsoft.Resources/deploymentStacks/landing-example`;
    expect(landing!.outputs['stack-id']).toBe(stackId);
    expect(landing!.outputs.resourceGroupName).toBe('rg-landing-example');
    expect(echo!.log).toContain(`Stack ${stackId} ran deployment landing-example-`);
    expect(teardown!.outcome).toBe('skipped');
    expect(landing!.summary).toContain('deny settings denyDelete (1 principal(s), 0 action(s) excluded)');
    await expect(resources.resourceGroups.beginDeleteAndWait('rg-landing-example')).rejects.toMatchObject({
      statusCode: 403,
      code: 'DenyAssignmentAuthorizationFailed',
    });
  });

  it('run by hand with teardown, deletes the stack with its resource group and network', async () => {
    const result = await run(workflowDispatchEvent({ teardown: true }));
    expectConclusion(result, 'success');
    const [, landing, , teardown] = result.job('stack').steps;
    expect(landing!.outcome).toBe('skipped');
    expect(teardown!.summary).toContain('Deleted the stack with action-on-unmanage deleteAll.');
    expect((await resources.resourceGroups.checkExistence('rg-landing-example')).body).toBe(false);
  });
});
