import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { lintWorkflow } from '@azpn/workflow-executor';

// What a Marketplace listing reads from each action.yml and from vss-extension.json (RELEASING.md): name,
// description, author and branding, with the icon and colour checked by actionlint, which knows GitHub's lists.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const actions = readdirSync(join(root, 'actions')).filter((name) => !name.startsWith('.'));
const scratch = mkdtempSync(join(tmpdir(), 'azpn-marketplace-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface ActionMetadata {
  name?: string;
  description?: string;
  author?: string;
  branding?: { icon?: string; color?: string };
}

const metadata = (name: string) =>
  parse(readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8')) as ActionMetadata;

/** A workflow with one step using each of `names` from `./actions`, without inputs. */
function workflowUsing(names: string[]): string {
  const steps = names.map((name) => `      - uses: ./actions/${name}\n`).join('');
  return `on: push\njobs:\n  all:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
}

/** actionlint's findings about branding when a workflow uses the actions of `repositoryRoot`. */
async function brandingFindings(repositoryRoot: string, names: string[]): Promise<string[]> {
  const file = join(scratch, 'uses-every-action.yml');
  const findings = await lintWorkflow(file, repositoryRoot, workflowUsing(names));
  return findings.map((f) => f.message).filter((message) => message.includes('branding'));
}

describe('Marketplace metadata', () => {
  it('every action.yml has a unique azpn name, a description, an author and branding', () => {
    const all = actions.map((name) => ({ action: name, ...metadata(name) }));
    for (const entry of all)
      expect([entry.action, entry.name, entry.description, entry.author, entry.branding]).toEqual([
        entry.action,
        expect.stringMatching(/^azpn /),
        expect.stringMatching(/^.{20,}$/),
        'azpn',
        { icon: expect.any(String), color: expect.any(String) },
      ]);
    expect(new Set(all.map((entry) => entry.name!.toLowerCase())).size).toBe(all.length);
  });

  it("every action's branding icon and colour are among GitHub's, as actionlint checks them", async () => {
    expect(await brandingFindings(root, actions)).toEqual([]);
  });

  it('actionlint would refuse an icon or a colour GitHub does not have', async () => {
    const fake = join(scratch, 'repository');
    mkdirSync(join(fake, 'actions', 'bad'), { recursive: true });
    writeFileSync(
      join(fake, 'actions', 'bad', 'action.yml'),
      "name: 'azpn bad'\ndescription: 'A bad one.'\nbranding:\n  icon: 'cloud-upload'\n  color: 'pink'\nruns:\n  using: 'node20'\n  main: 'index.js'\n",
    );
    writeFileSync(join(fake, 'actions', 'bad', 'index.js'), '');
    const findings = await brandingFindings(fake, ['bad']);
    expect(findings).toEqual([
      expect.stringContaining('incorrect icon name "cloud-upload"'),
      expect.stringContaining('incorrect color "pink"'),
    ]);
  });

  it('vss-extension.json names its publisher, id, version, repository and one contribution per task', () => {
    const extension = JSON.parse(readFileSync(join(root, 'vss-extension.json'), 'utf8')) as {
      publisher: string;
      id: string;
      version: string;
      repository: { uri: string };
      contributions: { id: string; properties: { name: string } }[];
    };
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      repository: { url: string };
    };
    expect([extension.publisher, extension.id]).toEqual(['azpn', 'azpn-private-networking']);
    expect(manifest.repository.url).toBe(`git+${extension.repository.uri}.git`);
    const tasks = extension.contributions.map((c) => c.properties.name.replace(/^tasks\//, '')).sort();
    expect(tasks).toEqual([...actions].sort());
    expect(new Set(extension.contributions.map((c) => c.id)).size).toBe(tasks.length);
  });
});
