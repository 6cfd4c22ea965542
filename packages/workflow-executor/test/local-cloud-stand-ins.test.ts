import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultScenario, LocalCloudAdmin, startLocalCloud, type LocalCloud } from '@azpn/local-cloud';
import {
  holdAzureReposPullRequest,
  localCloudAgentSettings,
  localCloudGitHubSettings,
  pullRequestEvent,
  pushEvent,
  runAzurePipeline,
  runGitHubWorkflow,
  sha,
} from '@azpn/workflow-executor';

// A workflow and a pipeline run against the local cloud reach its GitHub and Azure DevOps stand-ins as a runner's
// and an agent's steps do: GITHUB_API_URL with the job's GITHUB_TOKEN (its permissions decide), and
// System.CollectionUri with System.AccessToken. The steps are plain curl, so nothing here is the actions' code.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'azpn-stand-ins-'));
let local: LocalCloud;
let admin: LocalCloudAdmin;

beforeAll(async () => {
  local = await startLocalCloud({ scenario: defaultScenario(), stateDir: join(dir, 'cloud') });
  admin = new LocalCloudAdmin(local.cloud);
});
afterAll(async () => {
  await local?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const comment = (job: string, permissions: string) => `
  ${job}:
    runs-on: ubuntu-latest
    permissions:
${permissions}
    outputs:
      status: \${{ steps.post.outputs.status }}
    steps:
      - id: post
        env:
          TOKEN: \${{ github.token }}
        run: |
          status=$(curl -s -o "$RUNNER_TEMP/answer.json" -w '%{http_code}' --cacert "$NODE_EXTRA_CA_CERTS" \\
            -H "Authorization: token $TOKEN" -H 'content-type: application/json' \\
            -d '{"body":"from ${job} at \${{ github.event.pull_request.head.sha }}"}' \\
            "$GITHUB_API_URL/repos/\${{ github.repository }}/issues/\${{ github.event.pull_request.number }}/comments")
          echo "status=$status" >> "$GITHUB_OUTPUT"`;

describe('the local cloud runner and agent settings', () => {
  it("give each job a GITHUB_TOKEN with its permissions and the event's pull request in the GitHub stand-in", async () => {
    const workflow = join(dir, 'comment.yml');
    writeFileSync(
      workflow,
      `name: comment\non:\n  pull_request:\njobs:${comment('writer', '      pull-requests: write')}${comment('reader', '      contents: read')}\n`,
    );
    const head = sha('head-1');
    const run = await runGitHubWorkflow({
      workflow,
      workspace: root,
      event: pullRequestEvent('opened', { number: 21, headSha: head }),
      ...localCloudGitHubSettings(local, root),
    });
    expect(run.job('writer').outputs.status).toBe('201');
    expect(run.job('reader').outputs.status).toBe('403');
    const state = (await admin.pluginState('github-api')) as {
      repositories: {
        fullName: string;
        issues: { number: number; pull?: { headSha: string } }[];
        comments: { body: string }[];
      }[];
    };
    const infra = state.repositories.find((r) => r.fullName === 'azpn/infra')!;
    expect(infra.issues.find((i) => i.number === 21)?.pull?.headSha).toBe(head);
    expect(infra.comments.map((c) => c.body)).toEqual([`from writer at ${head}`]);
    // The token is a secret of the run: never in a log.
    expect(run.job('writer').log).not.toMatch(/ghs_/);
  });

  it('hold a pushed tag at the event commit in the GitHub stand-in, so a job with contents: read finds it', async () => {
    const workflow = join(dir, 'tag.yml');
    writeFileSync(
      workflow,
      `name: tag
on:
  push:
    tags: ['v*']
permissions:
  contents: read
jobs:
  read:
    runs-on: ubuntu-latest
    steps:
      - env:
          TOKEN: \${{ github.token }}
        run: |
          curl -s --fail-with-body --cacert "$NODE_EXTRA_CA_CERTS" -H "Authorization: token $TOKEN" \\
            "$GITHUB_API_URL/repos/\${{ github.repository }}/git/ref/tags/$GITHUB_REF_NAME" | grep -o '"sha": *"[0-9a-f]*"'
`,
    );
    const commit = sha('tagged');
    const run = await runGitHubWorkflow({
      workflow,
      workspace: root,
      event: pushEvent({ tag: 'v2.0.0', sha: commit }),
      ...localCloudGitHubSettings(local, root),
    });
    expect(run.job('read').steps[0]!.log.replace(/\s/g, '')).toBe(`"sha":"${commit}"`);
  });

  it('give a pipeline the collection, project and access token that reach the Azure DevOps stand-in', async () => {
    const repositoryId = await holdAzureReposPullRequest(local, {
      repository: 'infra',
      id: 31,
      sourceCommit: sha('ado'),
    });
    const pipeline = join(dir, 'azure-pipelines.yml');
    writeFileSync(
      pipeline,
      `trigger: none
steps:
  - bash: |
      curl -s --fail-with-body --cacert "${local.cloud.caFile}" -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
        -d '{"comments":[{"content":"from $(System.PullRequest.SourceCommitId)"}]}' \\
        "$(System.CollectionUri)$(System.TeamProject)/_apis/git/repositories/$(Build.Repository.ID)/pullRequests/$(System.PullRequest.PullRequestId)/threads?api-version=7.1"
    env:
      TOKEN: $(System.AccessToken)
`,
    );
    const run = await runAzurePipeline({
      pipeline,
      workspace: root,
      repositoryName: 'infra',
      repositoryId,
      trigger: {
        reason: 'PullRequest',
        pullRequest: {
          id: 31,
          sourceBranch: 'refs/heads/f',
          targetBranch: 'refs/heads/main',
          sourceCommit: sha('ado'),
        },
      },
      ...localCloudAgentSettings(local, root),
    });
    expect(run.result).toBe('Succeeded');
    const state = (await admin.pluginState('azure-devops-api')) as {
      pullRequests: { pullRequestId: number; threads: { comments: { content: string }[] }[] }[];
    };
    const threads = state.pullRequests.find((p) => p.pullRequestId === 31)!.threads;
    expect(threads.map((t) => t.comments[0]!.content)).toEqual([`from ${sha('ado')}`]);
    expect(JSON.stringify(run)).not.toContain(local.cloud.azureDevOps.systemAccessToken);
  });
});
