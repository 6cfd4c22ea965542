import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readActionManifest, readTaskManifest } from '@azpn/action-host';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = join(root, 'workflows-examples');
const workflows = readdirSync(examples).filter((f) => f.endsWith('.yml') && f !== 'azure-pipelines.yml');

type Step = {
  uses?: string;
  task?: string;
  with?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
};

describe.each(workflows)('workflows-examples/%s', (file) => {
  const workflow = parse(readFileSync(join(examples, file), 'utf8')) as {
    jobs: Record<string, { steps: Step[] }>;
  };
  const local = Object.values(workflow.jobs)
    .flatMap((job) => job.steps)
    .filter((step) => step.uses?.startsWith('./actions/'));

  it('uses only inputs the actions declare, and every required one', () => {
    expect(local.length).toBeGreaterThan(0);
    for (const step of local) {
      const action = readActionManifest(join(root, step.uses!, 'action.yml'));
      const given = Object.keys(step.with ?? {});
      expect(given.filter((name) => !(name in action.inputs))).toEqual([]);
      const missing = Object.entries(action.inputs)
        .filter(([name, spec]) => spec.required && spec.default === undefined && !given.includes(name))
        .map(([name]) => name);
      expect(missing).toEqual([]);
    }
  });
});

describe('workflows-examples/azure-pipelines.yml', () => {
  it('uses only tasks of the extension, with inputs their task.json declares', () => {
    const pipeline = parse(readFileSync(join(examples, 'azure-pipelines.yml'), 'utf8')) as { steps: Step[] };
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
