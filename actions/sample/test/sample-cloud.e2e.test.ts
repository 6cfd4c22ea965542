import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAzureDevOpsTask, runGitHubStep } from '@azpn/action-host';
import { startLocalCloud, type LocalCloud } from '@azpn/local-cloud';

// The bundle resolves the local cloud from its resource manager URL alone, as it would Azure Stack Hub.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let local: LocalCloud;
let stateDir: string;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-sample-cloud-'));
  local = await startLocalCloud({ stateDir });
});

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('sample action reaching a cloud through its metadata', () => {
  it('reports the endpoints the local cloud describes (GitHub)', async () => {
    const step = await runGitHubStep({
      actionDir,
      inputs: { name: 'Ada', cloud: local.cloud.resourceManager },
      env: { NODE_EXTRA_CA_CERTS: local.cloud.caFile },
    });
    expect(step.errors).toEqual([]);
    expect(step.outputs['resource-manager']).toBe(local.cloud.resourceManager.replace(/\/$/, ''));
    expect(step.outputs['authority-host']).toBe(local.cloud.authorityHost.replace(/\/$/, ''));
  });

  it('reports the same through the Azure DevOps task', async () => {
    const task = await runAzureDevOpsTask({
      taskDir: actionDir,
      inputs: { name: 'Ada', cloud: local.cloud.resourceManager },
      variables: { NODE_EXTRA_CA_CERTS: local.cloud.caFile! },
    });
    expect(task.result).toBe('Succeeded');
    expect(task.outputs.authorityHost?.value).toBe(local.cloud.authorityHost.replace(/\/$/, ''));
  });

  it('names the cloud input when the URL is not https', async () => {
    const step = await runGitHubStep({ actionDir, inputs: { name: 'Ada', cloud: 'http://127.0.0.1:9' } });
    expect(step.exitCode).toBe(1);
    expect(step.errors).toHaveLength(1);
    expect(step.errors[0]).toMatch(/^Input cloud .*https/);
  });
});
