import { describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintWorkflow } from '@azpn/workflow-executor';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function workflow(steps: string): string {
  return (
    ['on: push', 'jobs:', '  greet:', '    runs-on: ubuntu-latest', '    steps:', steps].join('\n') + '\n'
  );
}

const sampleStep = [
  '      - id: greet',
  '        uses: ./actions/sample',
  '        with:',
  '          name: octocat',
].join('\n');

/** The lint reads the local actions' action.yml: these findings can only come from actions/sample/action.yml. */
describe('actionlint on a workflow that uses the local actions', () => {
  it('accepts declared inputs, declared outputs and vars', async () => {
    const text = workflow(
      `${sampleStep}\n      - run: echo "\${{ steps.greet.outputs.greeting }} \${{ vars.AZURE_TENANT_ID }}"`,
    );
    expect((await lintWorkflow('clean.yml', root, text)).map((f) => f.text)).toEqual([]);
  });

  it('refuses an input name the action does not declare, listing the ones it does', async () => {
    const text = workflow(sampleStep.replace('name: octocat', 'name: octocat\n          greetings: 2'));
    const findings = await lintWorkflow('wrong-input.yml', root, text);
    expect(findings.map((f) => [f.kind, f.line])).toEqual([['action', 10]]);
    expect(findings[0]!.message).toContain('input "greetings" is not defined in action "azpn sample"');
    expect(findings[0]!.message).toContain('"greeting-count"');
  });

  it('refuses a missing required input', async () => {
    const text = workflow(sampleStep.replace('\n        with:\n          name: octocat', ''));
    const findings = await lintWorkflow('missing-input.yml', root, text);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining('missing input "name" which is required by action "azpn sample"'),
    ]);
  });

  it('refuses an output the action does not declare', async () => {
    const text = workflow(`${sampleStep}\n      - run: echo "\${{ steps.greet.outputs.greetings }}"`);
    const findings = await lintWorkflow('unknown-output.yml', root, text);
    expect(findings.map((f) => [f.kind, f.line])).toEqual([['expression', 10]]);
    expect(findings[0]!.message).toContain('property "greetings" is not defined in object type {');
    expect(findings[0]!.message).toContain('token-echo: string');
  });

  it('refuses an unknown context, so vars is known because actionlint knows it', async () => {
    const text = workflow(`${sampleStep}\n      - run: echo "\${{ varz.AZURE_TENANT_ID }}"`);
    const findings = await lintWorkflow('unknown-context.yml', root, text);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('undefined variable "varz"')]);
  });
});
