import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { readActionManifest, readTaskManifest } from '@azpn/action-host';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const actions = readdirSync(join(root, 'actions')).filter((name) =>
  existsSync(join(root, 'actions', name, 'action.yml')),
);
const schema = JSON.parse(
  readFileSync(join(root, 'test', 'schemas', 'azure-devops-task.schema.json'), 'utf8'),
);
const validateTask = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe.each(actions)('actions/%s manifests', (name) => {
  const dir = join(root, 'actions', name);
  const action = readActionManifest(join(dir, 'action.yml'));
  const task = readTaskManifest(join(dir, 'task.json'));

  it('runs on node24 from committed bundles', () => {
    expect(action.runs.using).toBe('node24');
    expect(existsSync(join(dir, action.runs.main))).toBe(true);
    if (action.runs.post) expect(existsSync(join(dir, action.runs.post))).toBe(true);
  });

  it('has a task.json valid against the task schema, with Node24 and Node20_1 handlers', () => {
    expect(validateTask(task) ? [] : validateTask.errors).toEqual([]);
    for (const handlers of [task.execution, ...(action.runs.post ? [task.postjobexecution] : [])]) {
      expect(Object.keys(handlers ?? {}).sort()).toEqual(['Node20_1', 'Node24']);
      for (const handler of Object.values(handlers ?? {}))
        expect(existsSync(join(dir, handler.target))).toBe(true);
    }
  });

  it('declares the same inputs and outputs on both platforms', () => {
    const taskInputs = Object.fromEntries((task.inputs ?? []).map((i) => [i.name, i]));
    expect(Object.keys(taskInputs).sort()).toEqual(Object.keys(action.inputs).map(camel).sort());
    for (const [inputName, spec] of Object.entries(action.inputs)) {
      const taskInput = taskInputs[camel(inputName)];
      expect([inputName, taskInput?.required ?? false]).toEqual([inputName, spec.required ?? false]);
      expect([inputName, taskInput?.defaultValue]).toEqual([inputName, spec.default]);
    }
    expect((task.outputVariables ?? []).map((o) => o.name).sort()).toEqual(
      Object.keys(action.outputs).map(camel).sort(),
    );
  });
});

describe('the extension manifest', () => {
  const extension = JSON.parse(readFileSync(join(root, 'vss-extension.json'), 'utf8')) as {
    contributions: { properties: { name: string } }[];
  };

  it('contributes every task exactly once, each with its own id', () => {
    const contributed = extension.contributions.map((c) => c.properties.name).sort();
    const withTasks = actions.filter((name) => existsSync(join(root, 'actions', name, 'task.json')));
    expect(contributed).toEqual(withTasks.map((name) => `tasks/${name}`).sort());
    const ids = withTasks.map((name) =>
      readTaskManifest(join(root, 'actions', name, 'task.json')).id.toLowerCase(),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});
