import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAzureDevOpsTask, runGitHubStep } from '@azpn/action-host';
import {
  azureDevOpsAgentEnvironment,
  defaultIds,
  githubRunnerEnvironment,
  LocalCloudAdmin,
  startLocalCloud,
  trustCloudCa,
  type LocalCloud,
} from '@azpn/local-cloud';

// Bad inputs and user errors, on the runner and on the agent: one sentence naming the input that is wrong,
// nothing sent to the cloud (the cloud's call log stays empty), and validate and what-if writing nothing.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(actionDir, '..', '..');
const searchPath = `${join(root, 'tools', 'bicep')}:${process.env.PATH ?? ''}`;
const sandbox = mkdtempSync(join(tmpdir(), 'azpn-deploy-inputs-'));
/** A checkout with a template, and beside it, outside, a file holding a runner's credentials. */
const workspace = join(sandbox, 'work', 'repo');

let local: LocalCloud;
let admin: LocalCloudAdmin;

/** One run, with inputs named as action.yml names them, on either platform; answers what a user would see. */
interface Outcome {
  failed: boolean;
  errors: string[];
  warnings: string[];
  stdout: string;
  summary: string;
  outputs: Record<string, string>;
}

const adoNames = (inputs: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()), v]),
  );

async function runOn(platform: 'github' | 'ado', inputs: Record<string, string>): Promise<Outcome> {
  const common = { cloud: local.cloud.resourceManager, location: 'westeurope', ...inputs };
  if (platform === 'github') {
    const step = await runGitHubStep({
      actionDir,
      workspace,
      inputs: {
        'tenant-id': local.cloud.tenantId,
        'client-id': defaultIds.deployerClientId,
        'subscription-id': local.cloud.subscriptionId,
        ...common,
      },
      env: { ...githubRunnerEnvironment(local.cloud), PATH: searchPath },
      timeoutMs: 90_000,
    });
    return { ...step, summary: step.summary };
  }
  const agent = azureDevOpsAgentEnvironment(local.cloud);
  const task = await runAzureDevOpsTask({
    taskDir: actionDir,
    workspace,
    inputs: { azureSubscription: agent.connectionId, ...adoNames(common) },
    endpoints: agent.endpoints,
    variables: { ...agent.variables, PATH: searchPath },
    secretVariables: agent.secretVariables,
    timeoutMs: 90_000,
  });
  return {
    ...task,
    errors: task.failed && task.errors.length === 0 ? [task.resultMessage] : task.errors,
    summary: task.summaries.join('\n'),
    outputs: Object.fromEntries(Object.entries(task.outputs).map(([k, v]) => [k, v.value])),
  };
}

beforeAll(async () => {
  mkdirSync(join(workspace, 'infra', 'modules'), { recursive: true });
  mkdirSync(join(sandbox, 'cloud'), { recursive: true });
  const secure = join(actionDir, 'test', 'fixtures', 'secure.bicep');
  copyFileSync(secure, join(workspace, 'infra', 'secure.bicep'));
  writeFileSync(
    join(sandbox, 'cloud', 'cloud.json'),
    '{"$schema":"x","contentVersion":"1.0.0.0","resources":[],"clientSecret":"s3cr3t-admin"}',
  );
  symlinkSync(join(sandbox, 'cloud', 'cloud.json'), join(workspace, 'infra', 'linked.json'));
  writeFileSync(
    join(workspace, 'infra', 'escape.bicep'),
    "module m 'modules/inner.bicep' = { name: 'inner' }\n",
  );
  writeFileSync(
    join(workspace, 'infra', 'modules', 'inner.bicep'),
    "output leaked string = loadTextContent('../../../../cloud/cloud.json')\n",
  );
  writeFileSync(join(workspace, 'infra', 'not-json.json'), '["a list"]');
  local = await startLocalCloud({ stateDir: join(sandbox, 'state') });
  admin = new LocalCloudAdmin(local.cloud);
  await admin.setLatencies({ readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 });
  trustCloudCa(local.cloud.caPem);
});

afterAll(async () => {
  await local?.stop();
  rmSync(sandbox, { recursive: true, force: true });
});

const template = 'infra/secure.bicep';
const valid = { template, 'resource-group': 'rg-inputs', 'parameter-overrides': 'apiToken=t0k' };

describe.each(['github', 'ado'] as const)('deploy refuses bad input on %s, before any call', (platform) => {
  it.each<[string, Record<string, string>, string, RegExp]>([
    [
      'a template outside the workspace',
      { template: '../../cloud/cloud.json' },
      'template',
      /leads outside the workspace/,
    ],
    [
      'an absolute template path outside',
      { template: join(sandbox, 'cloud', 'cloud.json') },
      'template',
      /leads outside the workspace/,
    ],
    [
      'a link that leads outside',
      { template: 'infra/linked.json' },
      'template',
      /leads outside the workspace/,
    ],
    [
      'a parameters file outside',
      { parameters: '../../cloud/cloud.json' },
      'parameters',
      /leads outside the workspace/,
    ],
    [
      'a module that loads a file outside',
      { template: 'infra/escape.bicep', 'parameter-overrides': '' },
      'template',
      /reads "\.\.\/\.\.\/\.\.\/\.\.\/cloud\/cloud\.json" \(from infra\/modules\/inner\.bicep\), which leads outside/,
    ],
    [
      'a template that is not a JSON object',
      { template: 'infra/not-json.json', 'parameter-overrides': '' },
      'template',
      /holds no JSON object: fix the file\.$/,
    ],
    [
      'a resource group of ..',
      { 'resource-group': '..' },
      'resource-group',
      /which is not a valid resource group name/,
    ],
    [
      'a resource group with a slash',
      { 'resource-group': 'rg/../other' },
      'resource-group',
      /which is not a valid resource group name/,
    ],
    [
      'a resource group with a space',
      { 'resource-group': 'rg one' },
      'resource-group',
      /which is not a valid resource group name/,
    ],
    [
      'a 100 KB resource group',
      { 'resource-group': 'r'.repeat(102_400) },
      'resource-group',
      /\(102400 characters\), which is not a valid/,
    ],
    [
      'a deployment name of ..',
      { 'deployment-name': '..' },
      'deployment-name',
      /which is not a valid deployment name: .*not only dots/,
    ],
    [
      'a __proto__ override',
      { 'parameter-overrides': 'apiToken: t\n__proto__: {"polluted": true}' },
      'parameter-overrides',
      /sets the parameter "__proto__", which the template does not declare/,
    ],
    [
      'a masked output the template lacks',
      { 'masked-outputs': 'zoneId\nnoSuchOutput' },
      'masked-outputs',
      /names "noSuchOutput", which the template does not output/,
    ],
    [
      'tags that are a list',
      { 'resource-group-tags': '- a\n- b' },
      'resource-group-tags',
      /^Input resource-group-tags must be object \(a YAML mapping of at most 50 tag names/,
    ],
    [
      'a tag name with a slash',
      { 'resource-group-tags': 'a/b: x' },
      'resource-group-tags',
      /^Input resource-group-tags has the name "a\/b", which is not valid: a tag name has 1 to 512 characters/,
    ],
    [
      'a non-GUID subscription',
      { 'subscription-id': 'my-subscription' },
      'subscription-id',
      /which is not valid: use a GUID/,
    ],
    [
      'a bicep-path that does not run',
      { 'bicep-path': '/bin/false' },
      'bicep-path',
      /^Input bicep-path is "\/bin\/false", which does not run `bicep --version`/,
    ],
  ])('%s: one sentence naming %s', async (_, inputs, input, sentence) => {
    if (platform === 'ado' && 'subscription-id' in inputs) return; // the agent's service connection names the subscription
    await admin.clearCalls();
    const outcome = await runOn(platform, { ...valid, ...inputs });
    expect(outcome.failed).toBe(true);
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]).toMatch(
      new RegExp(`^Input ${input}\\b|^Input required and not supplied: ${input}\\b`),
    );
    expect(outcome.errors[0]).toMatch(sentence);
    expect(outcome.errors[0]).not.toMatch(/unexpectedly|report it|\.\.$/);
    expect(outcome.errors[0]!.length).toBeLessThan(600);
    expect(outcome.stdout).not.toContain('s3cr3t-admin');
    expect(await admin.calls()).toEqual([]);
  });
});

describe.each(['github', 'ado'] as const)(
  'deploy in validate and what-if modes writes nothing (%s)',
  (platform) => {
    const group = `rg-missing-${platform}`;

    it.each(['what-if', 'validate'])(
      '%s against a missing group: reads only, says what a deploy would create',
      async (mode) => {
        await admin.clearCalls();
        const outcome = await runOn(platform, { ...valid, 'resource-group': group, mode });
        expect(outcome.errors).toEqual([]);
        const armCalls = (await admin.calls()).filter((c) => c.path.startsWith('/subscriptions/'));
        expect(armCalls.map((c) => `${c.method} ${c.path.replace(/^\/subscriptions\/[^/]+/, '')}`)).toEqual([
          `GET /resourcegroups/${group}`,
        ]);
        expect(outcome.summary).toContain(
          `The resource group ${group} does not exist: a deploy would create it in westeurope`,
        );
        expect(outcome.summary).toContain(`| Create | Microsoft.Resources/resourceGroups | ${group} |`);
        expect(outcome.summary).toContain(
          '| Create | Microsoft.Network/privateDnsZones/TXT | secure.test/token |',
        );
        if (mode === 'what-if')
          expect(outcome.outputs[platform === 'ado' ? 'hasChanges' : 'has-changes']).toBe('true');
      },
    );

    it("a failed validation shows ARM's reason and its error tree, not a bug report", async () => {
      await admin.clearCalls();
      // The group exists (deploy mode creates it), and the secure parameter is missing.
      const outcome = await runOn(platform, {
        ...valid,
        'resource-group': `rg-invalid-${platform}`,
        'parameter-overrides': '',
      });
      expect(outcome.errors).toHaveLength(1);
      expect(outcome.errors[0]).toMatch(
        /^Validation of \S+ in rg-invalid-\w+ failed: .*'apiToken' is not provided/,
      );
      expect(outcome.errors[0]).toMatch(/code: MissingParameterValue, correlation id: [0-9a-f-]{36}\)$/);
      expect(outcome.errors[0]).not.toMatch(/long-running operation|report it/);
      expect(outcome.stdout).toMatch(/validation error:\s+InvalidTemplateDeployment: /);
      expect(outcome.summary).toMatch(
        /MissingParameterValue: The value for the template parameter 'apiToken'/,
      );
    });

    it("a malformed override is refused by validation in ARM's words", async () => {
      const outcome = await runOn(platform, {
        ...valid,
        'resource-group': `rg-invalid-${platform}`,
        'parameter-overrides': 'apiToken: t0k\nzoneName: [1, 2]',
      });
      expect(outcome.errors).toHaveLength(1);
      expect(outcome.errors[0]).toMatch(/^Validation of \S+ in rg-invalid-\w+ failed: .*zoneName/);
      expect(outcome.errors[0]).not.toMatch(/long-running operation|report it/);
    });
  },
);
