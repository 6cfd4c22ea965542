import { describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAzureDevOpsTask, runGitHubStep, secretLeaks } from '@azpn/action-host';

// The committed bundles, run as real child processes with the environment a runner or agent gives them.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const token = 'tok-3f9a1c77e2';

/** The lines from `open` to the first `close` after it, both included; empty when `open` is absent. */
function groupLines(stdout: string, open: string, close: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.indexOf(open);
  return start < 0 ? [] : lines.slice(start, lines.indexOf(close, start) + 1);
}

/** The seconds a plain progress line reports for `message`; it must be printed exactly once. */
function progressSeconds(stdout: string, message: string): number {
  const lines = stdout.split('\n').filter((line) => line.endsWith(message));
  expect(lines).toEqual([expect.stringMatching(/^\[\d+\.\ds\] /)]);
  return Number(/^\[(\d+\.\d)s\]/.exec(lines[0]!)![1]);
}

describe('sample action on the GitHub runner', () => {
  it('writes outputs, masks the token, hands state to post and writes the summary', async () => {
    const main = await runGitHubStep({ actionDir, inputs: { name: 'Ada', 'greeting-count': '2', token } });
    expect(main.exitCode).toBe(0);
    expect(main.outputs.greeting).toBe('1. Hello, Ada!\n2. Hello, Ada!');
    expect(main.outputs['token-echo']).toBe(token);
    expect(main.masks).toContain(token);
    expect(main.log).not.toContain(token);
    expect(main.stdout.split('\n').filter((line) => line.includes(token))).toEqual(
      expect.arrayContaining([`::add-mask::${token}`]),
    );
    expect(
      main.stdout
        .split('\n')
        .filter((l) => l.includes(token))
        .every((l) => l === `::add-mask::${token}`),
    ).toBe(true);
    expect(main.state).toEqual({ greeted: 'Ada' });
    expect(main.summary).toContain('| 2 | Hello, Ada! |');
    expect(main.summary).toMatch(/```mermaid\nflowchart LR\n/);
    expect(main.commands.map((c) => c.command)).toEqual(expect.arrayContaining(['group', 'endgroup']));

    const post = await runGitHubStep({ actionDir, stage: 'post', state: main.state, workDir: main.workDir });
    expect(post.exitCode).toBe(0);
    expect(post.summary).toBe('Post step saw state greeted=Ada.\n');
  });

  it('groups the greetings, reports progress with the elapsed time and warns it got no connection', async () => {
    const main = await runGitHubStep({
      actionDir,
      inputs: { name: 'Ada', 'greeting-count': '2', connection: 'conn-7' },
    });
    expect(main.exitCode).toBe(0);
    expect(groupLines(main.stdout, '::group::Greeting', '::endgroup::')).toEqual([
      '::group::Greeting',
      '1. Hello, Ada!',
      '2. Hello, Ada!',
      '::endgroup::',
    ]);
    const seconds = progressSeconds(main.stdout, 'greeted Ada 2 time(s)');
    expect(seconds).toBeLessThanOrEqual(main.durationMs / 1000);
    // The runner hands no service connections: a warning annotation, and no connection output.
    expect(main.stdout).toContain(
      '::warning::Service connection conn-7 was not handed to this step; skipping it.\n',
    );
    expect(main.warnings).toEqual(['Service connection conn-7 was not handed to this step; skipping it.']);
    expect(Object.keys(main.outputs).sort()).toEqual(['greeting']);
  });

  it('applies action.yml defaults the way the runner does', async () => {
    const main = await runGitHubStep({ actionDir, inputs: { name: 'Bo', shout: 'true' } });
    expect(main.outputs.greeting).toBe('1. HELLO, BO!');
  });

  it.each([
    [
      { name: 'Ada', 'greeting-count': '9' },
      'Input greeting-count is 9, outside the allowed range: use a number from 1 to 5.',
    ],
    [{}, 'Input required and not supplied: name. Set it to who to greet, such as "octocat".'],
    [{ name: 'Ada', shout: 'loud' }, 'Input shout is "loud", which is not a boolean: use true or false.'],
  ])('fails with one sentence for bad input %j and writes nothing', async (inputs, sentence) => {
    const main = await runGitHubStep({ actionDir, inputs });
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([sentence]);
    expect(main.outputs).toEqual({});
    expect(main.state).toEqual({});
  });
});

describe('sample task on the Azure DevOps agent', () => {
  const endpoints = {
    'conn-7': {
      url: 'https://management.azure.com/',
      scheme: 'WorkloadIdentityFederation',
      parameters: { tenantid: 'tenant-42', serviceprincipalid: 'client-1' },
      data: { subscriptionId: 'sub-1' },
    },
  };

  it('sets output variables, keeps the token out of the log and passes task variables to post', async () => {
    const main = await runAzureDevOpsTask({
      taskDir: actionDir,
      inputs: { name: 'Ada', greetingCount: '2', token, connection: 'conn-7' },
      endpoints,
    });
    expect(main.result).toBe('Succeeded');
    expect(main.outputs.greeting).toEqual({ value: '1. Hello, Ada!\n2. Hello, Ada!', secret: false });
    expect(main.outputs.tokenEcho).toEqual({ value: token, secret: true });
    expect(main.outputs.connectionScheme?.value).toBe('WorkloadIdentityFederation');
    expect(main.outputs.connectionTenant?.value).toBe('tenant-42');
    // Endpoint data (ENDPOINT_DATA_conn-7_SUBSCRIPTIONID) read back through the service connection port.
    expect(main.outputs.connectionSubscription).toEqual({ value: 'sub-1', secret: false });
    expect(main.warnings).toEqual([]);
    expect(main.secrets).toContain(token);
    // The raw stream carries the token only inside the commands that register it as secret.
    const carrying = main.stdout.split('\n').filter((line) => line.includes(token));
    expect(carrying).toEqual([
      `##vso[task.setsecret]${token}`,
      `##vso[task.setvariable variable=tokenEcho;isOutput=true;issecret=true;]${token}`,
    ]);
    expect(main.taskVariables).toEqual({ greeted: 'Ada' });
    expect(main.summaries.join('')).toContain('| 1 | Hello, Ada! |');

    const post = await runAzureDevOpsTask({
      taskDir: actionDir,
      stage: 'post',
      taskVariables: main.taskVariables,
    });
    expect(post.result).toBe('Succeeded');
    expect(post.summaries).toEqual(['Post step saw state greeted=Ada.\n']);
  });

  it('groups the greetings and reports progress with the elapsed time in the agent log', async () => {
    const main = await runAzureDevOpsTask({
      taskDir: actionDir,
      inputs: { name: 'Ada', greetingCount: '2' },
    });
    expect(main.result).toBe('Succeeded');
    expect(groupLines(main.stdout, '##[group]Greeting', '##[endgroup]')).toEqual([
      '##[group]Greeting',
      '1. Hello, Ada!',
      '2. Hello, Ada!',
      '##[endgroup]',
    ]);
    const seconds = progressSeconds(main.stdout, 'greeted Ada 2 time(s)');
    expect(seconds).toBeLessThanOrEqual(main.durationMs / 1000);
  });

  it('warns and goes on when the agent did not hand over the connection the input names', async () => {
    const main = await runAzureDevOpsTask({
      taskDir: actionDir,
      inputs: { name: 'Ada', connection: 'conn-unknown' },
      endpoints,
    });
    expect(main.result).toBe('Succeeded');
    expect(main.warnings).toEqual([
      'Service connection conn-unknown was not handed to this step; skipping it.',
    ]);
    expect(
      main.stdout
        .split('\n')
        .filter((line) => /^##vso\[task\.(log)?issue type=warning;/.test(line))
        .map((line) => line.slice(line.indexOf(']') + 1)),
    ).toEqual(['Service connection conn-unknown was not handed to this step; skipping it.']);
    expect(Object.keys(main.outputs)).toEqual(['greeting']);
  });

  it('fails the task with the input sentence', async () => {
    const main = await runAzureDevOpsTask({
      taskDir: actionDir,
      inputs: { name: 'Ada', greetingCount: 'two' },
    });
    expect(main.result).toBe('Failed');
    expect(main.resultMessage).toBe(
      'Input greeting-count is "two", which is not a whole number: give digits only, such as 3.',
    );
    expect(main.outputs).toEqual({});
  });
});

describe('sample action keeps a hard secret out of every byte it writes', () => {
  // Quotes, a backslash, %, a line break and non-ASCII: every escaped form a log or file could hold.
  const hard = 'tok-"x"\\y%25z\nline-two-ünï€';

  it('on the GitHub runner: masked in every form, echoed only as the secret output', async () => {
    const main = await runGitHubStep({ actionDir, inputs: { name: 'Ada', token: hard } });
    expect(main.exitCode).toBe(0);
    expect(main.outputs['token-echo']).toBe(hard);
    expect(secretLeaks(main, [hard], { secretOutputs: [hard] })).toEqual([]);
  });

  it('on the Azure DevOps agent: masked line by line, the multi-line secret output withheld with a warning', async () => {
    const main = await runAzureDevOpsTask({ taskDir: actionDir, inputs: { name: 'Ada', token: hard } });
    expect(main.result).toBe('Succeeded');
    expect(main.outputs).not.toHaveProperty('tokenEcho');
    expect(main.warnings).toContainEqual(
      expect.stringMatching(/^Output token-echo is a secret of several lines/),
    );
    expect(secretLeaks(main, [hard])).toEqual([]);
  });
});
