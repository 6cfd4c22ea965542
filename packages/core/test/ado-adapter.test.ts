import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLoggingCommands } from '@azpn/action-host';
import { createAzureDevOpsPlatform } from '../src/adapters/ado.js';
import type { AgentChannel, AgentEnvironment } from '../src/adapters/ado-agent.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** An agent's view of one task: the environment it started the task with and every line the task wrote. */
function agent(env: AgentEnvironment = {}) {
  const lines: string[] = [];
  const channel: AgentChannel = { env, write: (line) => void lines.push(line) };
  const platform = createAzureDevOpsPlatform(env, channel);
  return { platform, lines, commands: () => parseLoggingCommands(lines.join('\n')) };
}

const awkward = 'a;b]c 100% done\r\nsecond line';

describe('the Azure DevOps adapter speaks the agent protocol', () => {
  it('publishes output variables and task variables that the agent reads back as they were', () => {
    const task = agent();
    task.platform.outputs.set('started-groups', awkward);
    task.platform.state.save('jump-boxes-to-stop', '["a;b]"]');
    expect(task.commands()).toEqual([
      {
        command: 'task.setvariable',
        properties: { variable: 'startedGroups', isOutput: 'true', issecret: 'false' },
        message: awkward,
      },
      {
        command: 'task.settaskvariable',
        properties: { variable: 'jump-boxes-to-stop', issecret: 'false' },
        message: '["a;b]"]',
      },
    ]);
  });

  it('registers every line of a secret, redacts it, and publishes an output holding it as a secret', () => {
    const task = agent();
    task.platform.secrets.mask('pa%ss\nw0rd;]');
    task.platform.outputs.set('token', 'pa%ss');
    task.platform.log.warning('saw pa%ss and w0rd;]');
    const commands = task.commands();
    const registered = commands.filter((c) => c.command === 'task.setsecret').map((c) => c.message);
    expect(registered).toEqual(expect.arrayContaining(['pa%ss', 'w0rd;]']));
    expect(registered.every((line) => !/[\r\n]/.test(line))).toBe(true);
    expect(commands.find((c) => c.command === 'task.setvariable')?.properties.issecret).toBe('true');
    expect(commands.find((c) => c.command === 'task.issue')?.message).toBe('saw *** and ***');
  });

  it('reports issues with the source and correlation id the agent expects, and ends a failed task', () => {
    const task = agent({ COMMAND_CORRELATION_ID: 'c0ffee' });
    task.platform.log.error('two\nlines');
    task.platform.result.fail('it broke: 50%');
    expect(task.commands()).toEqual([
      {
        command: 'task.issue',
        properties: { type: 'error', source: 'TaskInternal', correlationId: 'c0ffee' },
        message: 'two\nlines',
      },
      {
        command: 'task.issue',
        properties: { type: 'error', source: 'TaskInternal', correlationId: 'c0ffee' },
        message: 'it broke: 50%',
      },
      { command: 'task.complete', properties: { result: 'Failed' }, message: 'it broke: 50%' },
    ]);
  });

  it('reads inputs, public and secret variables, task variables and service connections as the agent sets them', () => {
    const auth = {
      scheme: 'WorkloadIdentityFederation',
      parameters: { TenantId: 't-1', serviceprincipalid: 'c-1' },
    };
    const { platform } = agent({
      INPUT_RESOURCEGROUP: ' rg-net ',
      INPUT_AZURESUBSCRIPTION: 'conn-7',
      BUILD_SOURCESDIRECTORY: '/agent/s',
      SECRET_SYSTEM_ACCESSTOKEN: 'job-token',
      SYSTEM_OIDCREQUESTURI: 'https://dev.azure.com/o/_apis/oidc',
      'VSTS_TASKVARIABLE_JUMP-BOXES-TO-STOP': '["x"]',
      'ENDPOINT_URL_conn-7': 'https://management.azure.com/',
      'ENDPOINT_AUTH_conn-7': JSON.stringify(auth),
      'ENDPOINT_DATA_conn-7_SUBSCRIPTIONID': 'sub-1',
      ENDPOINT_AUTH_broken: '{"scheme": "x", "parameters": {"serviceprincipalkey": "not-json-secret"',
    });
    expect(platform.inputs.read('resource-group')).toBe('rg-net');
    expect(platform.context.workspace).toBe('/agent/s');
    expect(platform.identity).toEqual({
      azureDevOpsAccessToken: 'job-token',
      azureDevOpsOidcRequestUri: 'https://dev.azure.com/o/_apis/oidc',
    });
    expect(platform.state.get('jump-boxes-to-stop')).toBe('["x"]');
    expect(platform.serviceConnection('azure-subscription')).toEqual({
      id: 'conn-7',
      url: 'https://management.azure.com/',
      scheme: 'WorkloadIdentityFederation',
      parameters: { tenantid: 't-1', serviceprincipalid: 'c-1' },
      data: { subscriptionid: 'sub-1' },
    });
    expect(platform.serviceConnection('broken')).toBeUndefined();
    expect(platform.serviceConnection('missing')).toBeUndefined();
  });

  it('uploads each summary as a file in the agent temporary folder', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'azpn-ado-summary-'));
    try {
      const task = agent({ AGENT_TEMPDIRECTORY: temp });
      await task.platform.summary.append('## Done\n');
      const upload = task.commands().find((c) => c.command === 'task.uploadsummary');
      expect(dirname(upload!.message)).toBe(temp);
      expect(readFileSync(upload!.message, 'utf8')).toBe('## Done\n');
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});

describe('loading the Azure DevOps adapter', () => {
  it('takes inputs, credentials and secret variables out of the environment its child processes inherit', () => {
    const script = [
      "const { createAzureDevOpsPlatform } = await import('./packages/core/src/adapters/ado.ts');",
      "const { execFileSync } = await import('node:child_process');",
      'const platform = createAzureDevOpsPlatform();',
      "const child = execFileSync(process.execPath, ['-e', 'console.log(JSON.stringify(Object.keys(process.env)))']);",
      "console.log(JSON.stringify({ read: platform.inputs.read('client-secret'), child: JSON.parse(child) }));",
    ].join('\n');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        INPUT_CLIENTSECRET: 'input-secret',
        SECRET_MYPASSWORD: 'variable-secret',
        'ENDPOINT_AUTH_conn-7': '{"scheme":"x"}',
        VSTS_TASKVARIABLE_STATE: 'state',
        BUILD_BUILDID: '42',
      },
    });
    expect(result.stderr).toBe('');
    const { read, child } = JSON.parse(result.stdout) as { read: string; child: string[] };
    expect(read).toBe('input-secret');
    expect(child).toContain('BUILD_BUILDID');
    for (const held of [
      'INPUT_CLIENTSECRET',
      'SECRET_MYPASSWORD',
      'ENDPOINT_AUTH_conn-7',
      'VSTS_TASKVARIABLE_STATE',
    ])
      expect(child).not.toContain(held);
  });
});
