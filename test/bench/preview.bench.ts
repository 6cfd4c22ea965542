import { join } from 'node:path';
import { runGitHubStep } from '@azpn/action-host';
import {
  apiToken,
  fixture,
  PreviewCloud,
  root,
  type PullRequestMoment,
} from '../../actions/preview/test/github-preview-harness.js';

/**
 * What a preview costs over the deploy it wraps: the preview bundle (read the pull request, comment deploying,
 * renew the group's tags, deploy through deploy's code, comment deployed) against the deploy bundle alone, each
 * redeploying the same template into its existing group as a push to a pull request does, alternated, medians of
 * `runs` runs in one local cloud with no added latency, on the GitHub side. Also the calls each makes.
 */
const runs = 5;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function timed<T>(body: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await body();
  return [performance.now() - started, result];
}

export default async function previewFigures(): Promise<Record<string, number>> {
  const cloud = new PreviewCloud();
  await cloud.start();
  try {
    const overrides = `apiToken: ${JSON.stringify(apiToken)}`;
    const moment = (n: number): PullRequestMoment => ({
      number: 5,
      head: String(n % 10).repeat(40),
      action: 'synchronize',
    });
    const deployAlone = (n: number) =>
      runGitHubStep({
        actionDir: join(root, 'actions', 'deploy'),
        workspace: root,
        inputs: {
          ...cloud.signIn(),
          template: fixture,
          'parameter-overrides': overrides,
          'resource-group': 'rg-bench-deploy',
          location: 'westeurope',
        },
        env: cloud.environment(moment(n), 4000 + n),
        timeoutMs: 120_000,
      });
    const preview = (n: number) =>
      cloud.step(
        moment(n),
        { template: fixture, 'parameter-overrides': overrides, location: 'westeurope' },
        { runId: 5000 + n },
      );
    // The first run of each creates its group and (for the preview) the comment: not what a push costs.
    await deployAlone(0);
    await preview(0);
    const deployMs: number[] = [];
    const previewMs: number[] = [];
    const calls = { deployArm: 0, previewArm: 0, previewGitHub: 0 };
    for (let n = 1; n <= runs; n++) {
      await cloud.admin.clearCalls();
      const [d, deployed] = await timed(() => deployAlone(n));
      const deployCalls = await cloud.admin.calls();
      await cloud.admin.clearCalls();
      const [p, previewed] = await timed(() => preview(n));
      const previewCalls = await cloud.admin.calls();
      if (deployed.failed || previewed.failed)
        throw new Error(`run ${n} failed: ${[...deployed.errors, ...previewed.errors].join(' ')}`);
      deployMs.push(d);
      previewMs.push(p);
      calls.deployArm = deployCalls.filter((c) => c.path.startsWith('/subscriptions')).length;
      calls.previewArm = previewCalls.filter((c) => c.path.startsWith('/subscriptions')).length;
      calls.previewGitHub = previewCalls.filter((c) => c.path.startsWith('/api/v3')).length;
    }
    return {
      runs,
      deploy_alone_median_ms: Math.round(median(deployMs)),
      preview_deploy_and_comment_median_ms: Math.round(median(previewMs)),
      preview_over_deploy: Number((median(previewMs) / median(deployMs)).toFixed(2)),
      deploy_arm_calls: calls.deployArm,
      preview_arm_calls: calls.previewArm,
      preview_github_calls: calls.previewGitHub,
    };
  } finally {
    await cloud.stop();
  }
}
