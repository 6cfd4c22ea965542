import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAzurePipeline, type AzurePipelineOptions, type PipelineTrigger } from '@azpn/workflow-executor';

/** The executor on small pipelines: real bash scripts, the sample task's real bundle, no cloud. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'azpn-pipeline-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
function run(text: string, trigger: PipelineTrigger, options: Partial<AzurePipelineOptions> = {}) {
  const pipeline = join(dir, `pipeline-${++count}.yml`);
  writeFileSync(pipeline, text);
  return runAzurePipeline({ pipeline, workspace: root, trigger, ...options });
}

const manual: PipelineTrigger = { reason: 'Manual', branch: 'refs/heads/main' };

describe('triggers', () => {
  const text = `
trigger:
  branches:
    include: [main, 'release/*']
    exclude: [release/old]
pr:
  branches:
    include: [main]
schedules:
  - cron: '0 3 * * *'
    branches:
      include: [main]
steps:
  - script: echo "$(Build.Reason) $(Build.SourceBranch) $(System.PullRequest.PullRequestId)"
`;
  it.each([
    [{ reason: 'IndividualCI', branch: 'refs/heads/release/v2' }, 'azure-repos', true],
    [{ reason: 'IndividualCI', branch: 'refs/heads/release/old' }, 'azure-repos', false],
    [{ reason: 'IndividualCI', branch: 'refs/heads/feature' }, 'azure-repos', false],
    [
      {
        reason: 'PullRequest',
        pullRequest: { id: 4, sourceBranch: 'refs/heads/f', targetBranch: 'refs/heads/dev' },
      },
      'github',
      false,
    ],
    [
      {
        reason: 'PullRequest',
        pullRequest: { id: 4, sourceBranch: 'refs/heads/f', targetBranch: 'refs/heads/dev' },
      },
      'azure-repos',
      true,
    ],
    [{ reason: 'Schedule', branch: 'refs/heads/main', cron: '0 3 * * *' }, 'azure-repos', true],
    [{ reason: 'Schedule', branch: 'refs/heads/main', cron: '0 4 * * *' }, 'azure-repos', false],
  ] as [PipelineTrigger, 'azure-repos' | 'github', boolean][])(
    '%j on %s runs: %s',
    async (trigger, repository, runs) => {
      expect((await run(text, trigger, { repository })).triggered).toBe(runs);
    },
  );

  it('gives a pull-request build its predefined variables', async () => {
    const result = await run(
      text,
      {
        reason: 'PullRequest',
        pullRequest: { id: 4, sourceBranch: 'refs/heads/f', targetBranch: 'refs/heads/main' },
      },
      { repository: 'github' },
    );
    expect(result.job('Job').steps[0]!.log).toBe('PullRequest refs/pull/4/merge 4\n');
  });
});

describe('variables, macros, outputs and secrets', () => {
  it('expands macros, keeps secrets out of scripts and logs, and carries output variables to later steps', async () => {
    const result = await run(
      `
variables:
  region: westeurope
  group: rg-$(region)
steps:
  - script: |
      echo "##vso[task.setvariable variable=token;issecret=true]generated-secret-42"
      echo "##vso[task.setvariable variable=fqdn;isOutput=true]app.internal.net"
      echo "##vso[task.setvariable variable=plain]carried"
    name: make
  - script: echo "$(group) $GROUP $(make.fqdn) $(plain) [$UI_SECRET] [$MAPPED] $(token)" '$(undefined.variable)'
    env:
      MAPPED: $(uiSecret)
  - script: echo "##vso[task.logissue type=warning]look here"
`,
      manual,
      { variables: { ui: 'x' }, secretVariables: { uiSecret: 'pipeline-secret-7' } },
    );
    const [make, echo, warn] = result.job('Job').steps;
    expect(make!.outputs).toEqual({ fqdn: 'app.internal.net' });
    expect(echo!.log).toBe(
      'rg-westeurope rg-westeurope app.internal.net carried [] [***] *** $(undefined.variable)\n',
    );
    expect(warn!.warnings).toEqual(['look here']);
    expect(result.job('Job').outputs).toEqual({ 'make.fqdn': 'app.internal.net' });
  });
});

describe('conditions and results', () => {
  it('skips after a failure unless a condition says otherwise; continueOnError succeeds with issues', async () => {
    const result = await run(
      `
steps:
  - script: exit 2
    continueOnError: true
  - script: echo "status $(Agent.JobStatus)"
  - script: exit 3
  - script: echo never
  - script: echo "failed"
    condition: failed()
  - script: echo "$(Build.Reason)"
    condition: and(always(), eq(variables['Build.Reason'], 'Manual'))
  - script: echo skipped
    condition: eq(variables['Build.Reason'], 'Schedule')
`,
      manual,
    );
    const job = result.job('Job');
    expect(job.steps.map((s) => s.result)).toEqual([
      'SucceededWithIssues',
      'Succeeded',
      'Failed',
      'Skipped',
      'Succeeded',
      'Succeeded',
      'Skipped',
    ]);
    expect(job.steps[1]!.log).toBe('status SucceededWithIssues\n');
    expect([job.result, result.result]).toEqual(['Failed', 'Failed']);
  });

  it('runs stages and jobs in dependsOn order with their conditions', async () => {
    const result = await run(
      `
stages:
  - stage: Build
    jobs:
      - job: Fails
        steps:
          - script: exit 1
      - job: Works
        steps:
          - script: echo "##vso[task.setvariable variable=id;isOutput=true]42"
            name: out
  - stage: Deploy
    jobs:
      - job: Never
        steps:
          - script: echo never
  - stage: Report
    dependsOn: Build
    condition: failed()
    jobs:
      - job: After
        dependsOn: []
        steps:
          - script: echo report
`,
      manual,
    );
    expect(result.stages.map((s) => [s.name, s.result, s.jobs.map((j) => [j.name, j.result])])).toEqual([
      [
        'Build',
        'Failed',
        [
          ['Fails', 'Failed'],
          ['Works', 'Succeeded'],
        ],
      ],
      ['Deploy', 'Skipped', [['Never', 'Skipped']]],
      ['Report', 'Succeeded', [['After', 'Succeeded']]],
    ]);
    expect(result.job('Works').outputs).toEqual({ 'out.id': '42' });
  });
});

describe('template expressions and parameters', () => {
  const text = `
parameters:
  - name: mode
    type: string
    default: deploy
    values: [deploy, destroy]
  - name: verbose
    type: boolean
    default: false
variables:
  suffix: prod
steps:
  - \${{ if eq(parameters.mode, 'deploy') }}:
    - script: echo "deploy-\${{ variables.suffix }} \${{ parameters.verbose }}"
  - \${{ else }}:
    - script: echo "destroy"
  - script: echo "always"
`;
  it('inserts steps by condition and substitutes values', async () => {
    const deploy = await run(text, manual);
    expect(deploy.job('Job').steps.map((s) => s.log)).toEqual(['deploy-prod false\n', 'always\n']);
    const destroy = await run(text, manual, { parameters: { mode: 'destroy', verbose: 'true' } });
    expect(destroy.job('Job').steps.map((s) => s.log)).toEqual(['destroy\n', 'always\n']);
    expect(destroy.parameters).toEqual({ mode: 'destroy', verbose: true });
  });

  it('refuses a parameter value outside its values', async () => {
    await expect(run(text, manual, { parameters: { mode: 'sweep' } })).rejects.toThrow(
      /parameter mode must be one of deploy, destroy, not sweep/,
    );
  });
});

describe("this repository's tasks", () => {
  it('runs the sample task with its inputs and its post-job run, which reads the task variables main set', async () => {
    const result = await run(
      `
steps:
  - task: AzpnSample@0
    name: greet
    inputs:
      name: $(who)
      greetingCount: 2
      token: $(sampleToken)
      notAnInput: x
  - script: echo "$(greet.greeting)"
`,
      manual,
      { variables: { who: 'octocat' }, secretVariables: { sampleToken: 'task-secret-99' } },
    );
    const job = result.job('Job');
    const [greet, echo] = job.steps;
    expect([greet!.result, greet!.outputs.greeting]).toEqual([
      'Succeeded',
      '1. Hello, octocat!\n2. Hello, octocat!',
    ]);
    expect(greet!.inputs).toEqual({ name: 'octocat', greetingCount: '2', token: '***' });
    expect(greet!.warnings).toContain(
      'Input notAnInput is not an input of AzpnSample; the agent ignores it.',
    );
    expect(echo!.log).toBe('1. Hello, octocat!\n2. Hello, octocat!\n');
    expect(job.postSteps.map((s) => [s.displayName, s.result])).toEqual([
      ['Post-job: AzpnSample@0', 'Succeeded'],
    ]);
    expect(job.postSteps[0]!.log).toContain('cleaning up after greeting octocat');
    expect(job.log).not.toContain('task-secret-99');
  });

  it.each([
    [
      'a task of another extension',
      '- task: Bash@3',
      /uses the task Bash@3, which the executor does not run/,
    ],
    [
      'a powershell step',
      '- powershell: Write-Host hi',
      /is a powershell: step, which the executor does not run/,
    ],
    ['a template reference', '- template: steps.yml', /template references are not supported/],
  ])('refuses %s before anything runs', async (_what, step, message) => {
    const marker = join(dir, `ran-${count}`);
    await expect(run(`steps:\n  - script: touch ${marker}\n  ${step}\n`, manual)).rejects.toThrow(message);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('cancelling a run', () => {
  it('interrupts the running script, runs only canceled() and always() steps, and still runs post-job runs', async () => {
    const controller = new AbortController();
    const ready = join(dir, 'agent-trap-installed');
    const cancelWhenReady = () => (existsSync(ready) ? controller.abort() : setTimeout(cancelWhenReady, 20));
    const result = await run(
      `
steps:
  - task: AzpnSample@0
    inputs:
      name: octocat
  - script: |
      trap 'echo interrupted; exit 130' INT
      touch ${ready}
      sleep 30 & wait
  - script: echo skipped
  - script: echo "status $(Agent.JobStatus)"
    condition: canceled()
`,
      manual,
      { signal: controller.signal, onStep: (started) => started.index === 1 && cancelWhenReady() },
    );
    const job = result.job('Job');
    expect(job.steps.map((s) => s.result)).toEqual(['Succeeded', 'Canceled', 'Skipped', 'Succeeded']);
    expect(job.steps[1]!.log).toBe('interrupted\n');
    expect(job.steps[3]!.log).toBe('status Canceled\n');
    expect(job.postSteps.map((s) => s.result)).toEqual(['Succeeded']);
    expect([job.result, result.result]).toEqual(['Canceled', 'Canceled']);
  });
});
