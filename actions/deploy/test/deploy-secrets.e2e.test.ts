import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  runAzureDevOpsTask,
  runGitHubStep,
  secretLeaks,
  type AzureDevOpsTaskResult,
  type GitHubStepResult,
} from '@azpn/action-host';
import {
  azureDevOpsAgentEnvironment,
  defaultIds,
  githubRunnerEnvironment,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '@azpn/local-cloud';

// Secure values with every character that has an escaped form: quotes, backslashes, %, line breaks, non-ASCII.
// Each run is grepped, byte by byte, for every printed form of every secret, on the runner and on the agent.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(actionDir, '..', '..');
const secureTemplate = join(actionDir, 'test', 'fixtures', 'secure.bicep');
const searchPath = `${join(root, 'tools', 'bicep')}:${process.env.PATH ?? ''}`;
const first = 'tok-"quoted"\\back%25slash\nsecond line ünïcødé €';
const second = 'tok-"changed"\\now%41\nanother line ✓ λ';

let local: LocalCloud;
let admin: LocalCloudAdmin;
let stateDir: string;

/** The YAML override that carries `value` exactly: a double-quoted scalar with JSON's escapes. */
const tokenOverride = (value: string) => `apiToken: ${JSON.stringify(value)}`;

function githubStep(inputs: Record<string, string>): Promise<GitHubStepResult> {
  return runGitHubStep({
    actionDir,
    inputs: {
      cloud: local.cloud.resourceManager,
      'tenant-id': local.cloud.tenantId,
      'client-id': defaultIds.deployerClientId,
      'subscription-id': local.cloud.subscriptionId,
      location: 'westeurope',
      template: secureTemplate,
      ...inputs,
    },
    env: { ...githubRunnerEnvironment(local.cloud), PATH: searchPath },
    timeoutMs: 90_000,
  });
}

function adoTask(inputs: Record<string, string>): Promise<AzureDevOpsTaskResult> {
  const agent = azureDevOpsAgentEnvironment(local.cloud);
  return runAzureDevOpsTask({
    taskDir: actionDir,
    inputs: {
      azureSubscription: agent.connectionId,
      cloud: local.cloud.resourceManager,
      location: 'westeurope',
      template: secureTemplate,
      ...inputs,
    },
    endpoints: agent.endpoints,
    variables: { ...agent.variables, PATH: searchPath },
    secretVariables: agent.secretVariables,
    timeoutMs: 90_000,
  });
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'azpn-deploy-secrets-'));
  local = await startLocalCloud({ stateDir });
  admin = new LocalCloudAdmin(local.cloud);
  await admin.setLatencies({ readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 });
  trustCloudCa(local.cloud.caPem);
});

afterAll(async () => {
  await local?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe.each([
  ['the GitHub runner', 'rg-secrets-gh'],
  ['the Azure DevOps agent', 'rg-secrets-ado'],
])('deploy on %s keeps secure values out of every byte it writes', (platform, group) => {
  const onGitHub = platform.startsWith('the GitHub');
  const run = (token: string, mode: string) =>
    onGitHub
      ? githubStep({
          'parameter-overrides': tokenOverride(token),
          'resource-group': group,
          'deployment-name': 'secure',
          mode,
        })
      : adoTask({
          parameterOverrides: tokenOverride(token),
          resourceGroup: group,
          deploymentName: 'secure',
          mode,
        });

  it('deploys: the secure output is withheld, the carrying output is a secret, no form of the value leaks', async () => {
    const result = await run(first, 'deploy');
    expect(result.errors).toEqual([]);
    expect(result.failed).toBe(false);
    const outputs = onGitHub
      ? (result as GitHubStepResult).outputs
      : Object.fromEntries(
          Object.entries((result as AzureDevOpsTaskResult).outputs).map(([k, v]) => [k, v.value]),
        );
    expect(outputs).not.toHaveProperty('tokenEcho');
    expect(outputs[onGitHub ? 'zoneId' : 'zoneId']).toMatch(/\/privateDnsZones\/secure\.test$/);
    const bearer = `Bearer ${first}`;
    if (onGitHub) {
      expect(outputs.bearer).toBe(bearer);
      expect((result as GitHubStepResult).masks).toContain(bearer);
    } else {
      // The agent holds no multi-line secret variable: the output is withheld, with a warning saying so.
      expect(outputs).not.toHaveProperty('bearer');
      expect((result as AzureDevOpsTaskResult).warnings).toContainEqual(
        expect.stringMatching(/^Output bearer is a secret of several lines, which Azure DevOps cannot hold/),
      );
    }
    expect(result.stdout).toMatch(/Output bearer carries a secure parameter but is not declared secure/);
    expect(secretLeaks(result, [first], { secretOutputs: [bearer] })).toEqual([]);
  });

  it('redeploying a changed value shows that it changed, never the previous value or the new one', async () => {
    const result = await run(second, 'what-if');
    expect(result.errors).toEqual([]);
    const summary = onGitHub
      ? (result as GitHubStepResult).summary
      : (result as AzureDevOpsTaskResult).summaries.join('\n');
    expect(summary).toMatch(
      /\| Modify \| Microsoft\.Network\/privateDnsZones\/TXT \| secure\.test\/token \|/,
    );
    expect(summary).toContain('(redacted) → (redacted)');
    expect(result.stdout).toContain('(redacted) → (redacted)');
    expect(secretLeaks(result, [first, second])).toEqual([]);
  });
});
