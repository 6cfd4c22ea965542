import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PreviewCloud } from './github-preview-harness.js';

// The sweep on a schedule, on GitHub: it deletes this repository's previews whose pull request is closed or whose
// expires-at passed, keeps the rest with a reason, and never touches a group without its tags or another
// repository's; dry-run deletes nothing.

const cloud = new PreviewCloud();
const day = 86_400_000;
const past = new Date(Date.now() - day).toISOString();
const future = new Date(Date.now() + day).toISOString();
const groups = {
  'preview-infra-pr-20': { repo: 'azpn/infra', pr: '20', expires: past },
  'preview-infra-pr-21': { repo: 'azpn/infra', pr: '21', expires: future },
  'preview-infra-pr-22': { repo: 'azpn/infra', pr: '22', expires: future },
  'preview-infra-no-pr': { repo: 'azpn/infra', expires: past },
  'preview-other-pr-20': { repo: 'other/infra', pr: '20', expires: past },
  'untagged-group': {},
} as Record<string, { repo?: string; pr?: string; expires?: string }>;

async function existing(): Promise<string[]> {
  const names: string[] = [];
  for await (const group of cloud.resources().resourceGroups.list()) names.push(group.name!);
  return names.sort();
}

beforeAll(async () => {
  await cloud.start();
  for (const [name, g] of Object.entries(groups)) {
    const tags = {
      ...(g.repo ? { 'preview-repository': g.repo } : {}),
      ...(g.pr ? { 'preview-pull-request': g.pr } : {}),
      ...(g.expires ? { 'expires-at': g.expires } : {}),
    };
    await cloud.resources().resourceGroups.createOrUpdate(name, { location: 'westeurope', tags });
  }
  await cloud.hold({ number: 20, head: '2'.repeat(40), action: 'opened' });
  await cloud.hold({ number: 21, head: '2'.repeat(40), action: 'closed' });
  await cloud.hold({ number: 22, head: '2'.repeat(40), action: 'opened' });
});
afterAll(() => cloud.stop());

describe('preview sweep on GitHub', () => {
  it('dry-run lists what it would delete and why, and deletes nothing', async () => {
    const step = await cloud.scheduled({ mode: 'sweep', 'dry-run': 'true' });
    expect(step.errors).toEqual([]);
    expect(JSON.parse(step.outputs['would-delete']!)).toEqual(['preview-infra-pr-20', 'preview-infra-pr-21']);
    expect(JSON.parse(step.outputs.kept!).sort()).toEqual(['preview-infra-no-pr', 'preview-infra-pr-22']);
    expect(step.summary).toContain('(dry run: nothing deleted)');
    expect(step.summary).toMatch(/\| preview-infra-pr-20 \| #20 \| .* \| would delete \| it expired at /);
    expect(step.summary).toMatch(
      /\| preview-infra-pr-21 \| #21 \| .* \| would delete \| pull request #21 is closed \|/,
    );
    expect(step.summary).toMatch(
      /\| preview-infra-pr-22 \| #22 \| .* \| kept \| pull request #22 is open and it expires at /,
    );
    expect(step.summary).not.toContain('untagged-group');
    expect(step.summary).not.toContain('preview-other-pr-20');
    expect(await existing()).toEqual(Object.keys(groups).sort());
  });

  it('deletes the expired and the closed pull request previews, and only them', async () => {
    const step = await cloud.scheduled({ mode: 'sweep' });
    expect(step.errors).toEqual([]);
    expect(JSON.parse(step.outputs.deleted!)).toEqual(['preview-infra-pr-20', 'preview-infra-pr-21']);
    expect(await existing()).toEqual([
      'preview-infra-no-pr',
      'preview-infra-pr-22',
      'preview-other-pr-20',
      'untagged-group',
    ]);
    expect(step.summary).toMatch(
      /\| preview-infra-pr-21 \| #21 \| .* \| deleted \| pull request #21 is closed \|/,
    );
  });

  it('refuses without a token that can read pull requests, before deleting anything', async () => {
    await cloud.resources().resourceGroups.createOrUpdate('preview-infra-pr-24', {
      location: 'westeurope',
      tags: { 'preview-repository': 'azpn/infra', 'preview-pull-request': '24', 'expires-at': past },
    });
    const step = await cloud.scheduled({ mode: 'sweep' }, { contents: 'read' } as never);
    expect(step.errors).toEqual([
      expect.stringMatching(
        /^GitHub refused to read pull request #\d+ \(403: Resource not accessible by integration\): give the job `pull-requests: read`/,
      ),
    ]);
    expect(await existing()).toContain('preview-infra-pr-24');
  });
});
