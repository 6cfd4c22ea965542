import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  pullRequestEvent,
  pushEvent,
  runGitHubWorkflow,
  scheduleEvent,
  workflowDispatchEvent,
  type GitHubEvent,
  type GitHubWorkflowOptions,
  type JobTokenRequest,
} from '@azpn/workflow-executor';

/** The executor on small workflows: real bash steps, the sample action's real bundle, no cloud. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'azpn-executor-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
function workflowFile(text: string): string {
  const file = join(dir, `workflow-${++count}.yml`);
  writeFileSync(file, text);
  return file;
}

function run(text: string, event: GitHubEvent, options: Partial<GitHubWorkflowOptions> = {}) {
  return runGitHubWorkflow({ workflow: workflowFile(text), workspace: root, event, ...options });
}

const preview = `
name: preview
on:
  pull_request:
    types: [opened, synchronize, reopened, closed]
permissions:
  id-token: write
  pull-requests: write
  contents: read
concurrency:
  group: preview-\${{ github.event.pull_request.number }}
  cancel-in-progress: true
jobs:
  deploy:
    if: github.event.action != 'closed'
    runs-on: ubuntu-latest
    outputs:
      environment: \${{ steps.name.outputs.environment }}
    steps:
      - id: name
        run: |
          echo "environment=pr-\${{ github.event.pull_request.number }}" >> "$GITHUB_OUTPUT"
          echo "head \${{ github.event.pull_request.head.sha }} ref $GITHUB_REF event $GITHUB_EVENT_NAME"
          grep -q '"action": "\${{ github.event.action }}"' "$GITHUB_EVENT_PATH" && echo "payload on disk"
          echo "token \${ACTIONS_ID_TOKEN_REQUEST_URL:-none} secret \${{ secrets.DEPLOY_SECRET }}"
  comment:
    needs: deploy
    runs-on: ubuntu-latest
    steps:
      - run: echo "deployed \${{ needs.deploy.outputs.environment }} (\${{ needs.deploy.result }})"
  teardown:
    if: github.event.action == 'closed'
    runs-on: ubuntu-latest
    steps:
      - run: echo "tear down pr-\${{ github.event.pull_request.number }} merged \${{ github.event.pull_request.merged }}"
`;

describe('a pull request workflow through opened, synchronize and closed', () => {
  const requests: JobTokenRequest[] = [];
  const options: Partial<GitHubWorkflowOptions> = {
    secrets: { DEPLOY_SECRET: 'hunter2-secret' },
    jobToken: (request) => {
      requests.push(request);
      return {
        githubToken: 'ghs_job_token_1234',
        idTokenRequest: { url: 'https://issuer.test/idtoken', token: 'req-token' },
      };
    },
  };

  it('runs deploy and the comment on opened and synchronize, teardown only on closed', async () => {
    const opened = await run(
      preview,
      pullRequestEvent('opened', { number: 7, headSha: 'a'.repeat(40) }),
      options,
    );
    expect(opened.jobs.map((j) => [j.id, j.result])).toEqual([
      ['deploy', 'success'],
      ['comment', 'success'],
      ['teardown', 'skipped'],
    ]);
    expect(opened.concurrency).toEqual({ group: 'preview-7', cancelInProgress: true });
    const log = opened.job('deploy').steps[0]!.log;
    expect(log).toContain(
      `head ${'a'.repeat(40)} ref refs/pull/7/merge event pull_request\npayload on disk\n`,
    );
    expect(log).toContain('token https://issuer.test/idtoken secret ***');
    expect(opened.job('comment').steps[0]!.log).toBe('deployed pr-7 (success)\n');

    const synchronized = await run(
      preview,
      pullRequestEvent('synchronize', { number: 7, headSha: 'b'.repeat(40) }),
      options,
    );
    expect(synchronized.job('deploy').steps[0]!.log).toContain(`head ${'b'.repeat(40)}`);

    const closed = await run(preview, pullRequestEvent('closed', { number: 7, merged: true }), options);
    expect(closed.jobs.map((j) => [j.id, j.result])).toEqual([
      ['deploy', 'skipped'],
      ['comment', 'skipped'],
      ['teardown', 'success'],
    ]);
    expect(closed.job('teardown').steps[0]!.log).toBe('tear down pr-7 merged true\n');
    const labeled = await run(preview, pullRequestEvent('labeled', { number: 7 }), options);
    expect([labeled.triggered, labeled.reason]).toEqual([
      false,
      'pull_request labeled is not among types [opened, synchronize, reopened, closed]',
    ]);
  });

  it('hands the minter each job with its permissions, and a fork gets read-only, no ID token and no secrets', async () => {
    requests.length = 0;
    const fork = await run(preview, pullRequestEvent('opened', { number: 8, fork: true }), options);
    const deploy = fork.job('deploy');
    expect(deploy.steps[0]!.log).toContain('token none secret \n');
    expect(requests[0]).toMatchObject({
      job: 'deploy',
      event: 'pull_request',
      ref: 'refs/pull/8/merge',
      fork: true,
      repository: 'azpn/infra',
    });
    expect([
      deploy.permissions['pull-requests'],
      deploy.permissions['id-token'],
      deploy.token?.idToken,
    ]).toEqual(['read', 'none', false]);
    requests.length = 0;
    await run(preview, pullRequestEvent('opened', { number: 9 }), options);
    expect(
      requests.map((r) => [
        r.job,
        r.permissions['pull-requests'],
        r.permissions['id-token'],
        r.permissions.issues,
      ]),
    ).toEqual([
      ['deploy', 'write', 'write', 'none'],
      ['comment', 'write', 'write', 'none'],
    ]);
  });
});

describe('jobs, steps and their statuses', () => {
  it('orders by needs, skips after failure, and runs failure() and always() jobs and steps', async () => {
    const result = await run(
      `
on: push
jobs:
  report:
    needs: [build, check]
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "build \${{ needs.build.result }} check \${{ needs.check.result }}"
  build:
    runs-on: ubuntu-latest
    steps:
      - id: first
        run: exit 3
      - run: echo never
      - id: tolerated
        if: failure()
        continue-on-error: true
        run: exit 1
      - if: always()
        run: echo "first \${{ steps.first.outcome }} tolerated \${{ steps.tolerated.outcome }}/\${{ steps.tolerated.conclusion }}"
  check:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo never
  on-failure:
    needs: check
    if: failure()
    runs-on: ubuntu-latest
    steps:
      - run: echo cleanup
`,
      pushEvent(),
    );
    expect(result.conclusion).toBe('failure');
    expect(result.jobs.map((j) => [j.id, j.result])).toEqual([
      ['build', 'failure'],
      ['check', 'skipped'],
      ['report', 'success'],
      ['on-failure', 'success'],
    ]);
    expect(result.job('build').steps.map((s) => [s.outcome, s.conclusion])).toEqual([
      ['failure', 'failure'],
      ['skipped', 'skipped'],
      ['failure', 'success'],
      ['success', 'success'],
    ]);
    expect(result.job('build').steps[3]!.log).toBe('first failure tolerated failure/success\n');
    expect(result.job('report').steps[0]!.log).toBe('build failure check skipped\n');
  });

  it('expands the matrix with include and exclude, and fail-fast cancels the legs after a failure', async () => {
    const result = await run(
      `
on: workflow_dispatch
jobs:
  envs:
    strategy:
      matrix:
        env: [dev, test, prod]
        region: [weu]
        exclude:
          - env: test
        include:
          - env: prod
            approval: required
          - env: sandbox
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ matrix.env }} \${{ matrix.region }} \${{ matrix.approval }} \${{ strategy.job-index }}/\${{ strategy.job-total }}"
  fails:
    strategy:
      matrix:
        n: [1, 2, 3]
    runs-on: ubuntu-latest
    steps:
      - run: test \${{ matrix.n }} -ne 2
`,
      workflowDispatchEvent(),
    );
    expect(result.jobs.filter((j) => j.id === 'envs').map((j) => [j.name, j.steps[0]!.log])).toEqual([
      ['envs (dev, weu)', 'dev weu  0/3\n'],
      ['envs (prod, weu, required)', 'prod weu required 1/3\n'],
      ['envs (sandbox)', 'sandbox   2/3\n'],
    ]);
    expect(result.jobs.filter((j) => j.id === 'fails').map((j) => j.result)).toEqual([
      'success',
      'failure',
      'cancelled',
    ]);
  });

  it('carries GITHUB_ENV and GITHUB_PATH to later steps, masks add-mask values, and drops outputs that hold secrets', async () => {
    const result = await run(
      `
on: push
env:
  LEVEL: workflow
jobs:
  env:
    runs-on: ubuntu-latest
    env:
      LEVEL: job
    outputs:
      leaked: \${{ steps.set.outputs.secret }}
      plain: \${{ steps.set.outputs.plain }}
    steps:
      - id: set
        run: |
          echo "::add-mask::masked-value-99"
          echo "FROM_STEP=one" >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool ran\\n' > "$RUNNER_TEMP/bin/azpn-tool" && chmod +x "$RUNNER_TEMP/bin/azpn-tool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
          echo "secret=masked-value-99" >> "$GITHUB_OUTPUT"
          echo "plain=visible" >> "$GITHUB_OUTPUT"
      - env:
          LEVEL: step
        run: |
          echo "$LEVEL $FROM_STEP \${{ env.FROM_STEP }} masked-value-99"
          azpn-tool
`,
      pushEvent(),
    );
    const job = result.job('env');
    expect(job.steps[1]!.log).toBe('step one one ***\ntool ran\n');
    expect(job.outputs).toEqual({ leaked: '', plain: 'visible' });
  });

  it('filters pushes by branch patterns, schedules by cron, and types workflow_dispatch inputs', async () => {
    const text = `
on:
  push:
    branches: ['release/**', '!release/old-*']
  schedule:
    - cron: '0 4 * * *'
  workflow_dispatch:
    inputs:
      dry-run:
        type: boolean
        default: true
      target:
        required: true
jobs:
  show:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event_name }} \${{ inputs.dry-run }} \${{ inputs.target }} \${{ inputs.dry-run == true }}"
`;
    expect((await run(text, pushEvent({ branch: 'release/v1/hotfix' }))).triggered).toBe(true);
    expect((await run(text, pushEvent({ branch: 'release/old-1' }))).triggered).toBe(false);
    expect((await run(text, scheduleEvent('0 5 * * *'))).reason).toBe('no schedule has cron "0 5 * * *"');
    const dispatched = await run(text, workflowDispatchEvent({ target: 'dev' }));
    expect(dispatched.job('show').steps[0]!.log).toBe('workflow_dispatch true dev true\n');
    await expect(run(text, workflowDispatchEvent())).rejects.toThrow(
      'workflow_dispatch needs the input "target": give it in the test event.',
    );
  });
});

describe('tag pushes', () => {
  it('start a workflow filtered by tags, with the tag as its ref; a branch-only workflow ignores them', async () => {
    const text = `
on:
  push:
    tags: ['v*.*.*']
jobs:
  show:
    runs-on: ubuntu-latest
    steps:
      - run: echo "$GITHUB_REF $GITHUB_REF_NAME $GITHUB_REF_TYPE \${{ github.ref_name }} \${{ github.event.created }} $GITHUB_SHA"
`;
    const tagged = await run(text, pushEvent({ tag: 'v0.1.0', sha: 'a'.repeat(40) }));
    expect(tagged.job('show').steps[0]!.log).toBe(
      `refs/tags/v0.1.0 v0.1.0 tag v0.1.0 true ${'a'.repeat(40)}\n`,
    );
    expect([(await run(text, pushEvent({ tag: 'v0' }))).reason]).toEqual(['refs/tags/v0 is filtered out']);
    expect((await run(text, pushEvent({ branch: 'v1.2.3' }))).triggered).toBe(false);
    const branches =
      'on:\n  push:\n    branches: [main]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "true"\n';
    expect((await run(branches, pushEvent({ tag: 'v0.1.0' }))).triggered).toBe(false);
  });
});

describe('what the executor refuses before running anything', () => {
  const cases: [string, string, RegExp][] = [
    [
      'a third-party action',
      '- uses: azure/login@v2',
      /uses azure\/login@v2, which the executor does not run/,
    ],
    [
      'another shell',
      '- shell: pwsh\n        run: Write-Host hi',
      /runs in shell "pwsh": the executor runs bash and sh steps only/,
    ],
    [
      'a local folder without action.yml',
      '- uses: ./packages',
      /uses \.\/packages, which has no action.yml in the workspace/,
    ],
  ];
  it.each(cases)('%s', async (_what, step, message) => {
    const marker = join(dir, `ran-${count}`);
    const text = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: touch ${marker}\n      ${step}\n`;
    await expect(run(text, pushEvent())).rejects.toThrow(message);
    expect(existsSync(marker)).toBe(false);
  });

  it('a reusable workflow', async () => {
    await expect(
      run('on: push\njobs:\n  a:\n    uses: ./.github/workflows/x.yml\n', pushEvent()),
    ).rejects.toThrow(/job "a" calls a reusable workflow \(uses:\), which the executor does not run/);
  });
});

describe('cancelling a run', () => {
  it('interrupts the running step, skips the rest but always() steps, and still runs the post steps', async () => {
    const controller = new AbortController();
    const ready = join(dir, 'trap-installed');
    // Cancel once the script has installed its trap, however slowly the machine starts it.
    const cancelWhenReady = () => (existsSync(ready) ? controller.abort() : setTimeout(cancelWhenReady, 20));
    const result = await run(
      `
on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - uses: ./actions/sample
        with:
          name: octocat
      - run: |
          trap 'echo interrupted; exit 130' INT
          echo started
          touch ${ready}
          sleep 30 & wait
      - run: echo skipped
      - if: cancelled()
        run: echo "job \${{ job.status }}"
  after:
    needs: long
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`,
      pushEvent(),
      { signal: controller.signal, onStep: (started) => started.index === 1 && cancelWhenReady() },
    );
    const job = result.job('long');
    expect(job.steps.map((s) => s.outcome)).toEqual(['success', 'cancelled', 'skipped', 'success']);
    expect(job.steps[1]!.log).toBe('started\ninterrupted\n');
    expect(job.steps[3]!.log).toBe('job cancelled\n');
    expect(job.postSteps.map((s) => [s.name, s.outcome])).toEqual([['Post Run ./actions/sample', 'success']]);
    expect([job.result, result.job('after').result, result.conclusion]).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
  });
});
