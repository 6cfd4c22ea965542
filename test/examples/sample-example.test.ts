import { describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pushEvent, runGitHubWorkflow, workflowDispatchEvent } from '@azpn/workflow-executor';
import { expectConclusion } from './run-report.js';

/** workflows-examples/sample.yml, executed: the sample action's bundle with its post step, and a masked secret. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workflow = join(root, 'workflows-examples', 'sample.yml');
const token = 'sample-token-d41d8cd98f';

describe('workflows-examples/sample.yml', () => {
  it('runs by hand only', async () => {
    const result = await runGitHubWorkflow({ workflow, workspace: root, event: pushEvent() });
    expect([result.triggered, result.reason]).toEqual([false, 'the workflow does not run on push']);
  });

  it('greets twice, masks the token everywhere, and its post step reads the state main saved', async () => {
    const result = await runGitHubWorkflow({
      workflow,
      workspace: root,
      event: workflowDispatchEvent(),
      secrets: { SAMPLE_TOKEN: token },
    });
    expectConclusion(result, 'success');
    const job = result.job('greet');
    const [, greet, echo] = job.steps;
    expect(greet!.outputs.greeting).toBe('1. Hello, octocat!\n2. Hello, octocat!');
    expect(greet!.inputs).toMatchObject({ name: 'octocat', 'greeting-count': '2', token: '***' });
    expect(echo!.log).toBe('1. Hello, octocat!\n2. Hello, octocat!\n');
    expect(job.log).not.toContain(token);
    expect(job.postSteps.map((s) => [s.name, s.outcome])).toEqual([['Post Run ./actions/sample', 'success']]);
    expect(job.postSteps[0]!.log).toContain('cleaning up after greeting octocat');
    expect(job.summary).toContain('Post step saw state greeted=octocat.');
    // No permissions: declared: the repository's restricted default, and no ID token.
    expect([job.permissions.contents, job.permissions['id-token'], job.token?.idToken]).toEqual([
      'read',
      'none',
      false,
    ]);
  });
});
