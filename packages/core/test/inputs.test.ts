import { describe, expect, it } from '@jest/globals';
import { InputError, input, parseInputs, yamlInput, type ShapeResult } from '../src/index.js';

const reader = (values: Record<string, string>) => ({ read: (name: string) => values[name] });

describe('parseInputs', () => {
  const specs = {
    group: input.string('resource-group', {
      required: 'the resource group to deploy into',
      pattern: /^[\w.()-]{1,90}$/,
      rule: 'use up to 90 letters, digits, dots, dashes, underscores or parentheses',
    }),
    count: input.integer('instance-count', { default: 2, min: 1, max: 10 }),
    debug: input.boolean('debug', { default: false }),
    mode: input.choice('mode', ['validate', 'what-if', 'deploy'] as const, { default: 'deploy' }),
    tags: input.lines('tags'),
  };

  it('types every input and applies defaults', () => {
    const config = parseInputs(
      reader({ 'resource-group': 'rg-1', debug: 'True', tags: 'a=1\n\n# note\nb=2' }),
      specs,
    );
    expect(config).toEqual({ group: 'rg-1', count: 2, debug: true, mode: 'deploy', tags: ['a=1', 'b=2'] });
  });

  it.each([
    [
      {},
      'resource-group',
      'Input required and not supplied: resource-group. Set it to the resource group to deploy into.',
    ],
    [
      { 'resource-group': 'rg 1' },
      'resource-group',
      'Input resource-group is "rg 1", which is not valid: use up to 90 letters, digits, dots, dashes, underscores or parentheses.',
    ],
    [
      { 'resource-group': 'rg', 'instance-count': '2.5' },
      'instance-count',
      'Input instance-count is "2.5", which is not a whole number: give digits only, such as 3.',
    ],
    [
      { 'resource-group': 'rg', 'instance-count': '11' },
      'instance-count',
      'Input instance-count is 11, outside the allowed range: use a number from 1 to 10.',
    ],
    [
      { 'resource-group': 'rg', debug: 'yes' },
      'debug',
      'Input debug is "yes", which is not a boolean: use true or false.',
    ],
    [
      { 'resource-group': 'rg', mode: 'apply' },
      'mode',
      'Input mode is "apply", which is not one of the allowed values: use "validate", "what-if", "deploy".',
    ],
  ])('rejects %j naming %s in one sentence', (values, name, sentence) => {
    let caught: unknown;
    try {
      parseInputs(reader(values), specs);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).input).toBe(name);
    expect((caught as InputError).message).toBe(sentence);
  });

  it('parses YAML against a shape and names the input on syntax and shape errors', () => {
    const ports = (value: unknown): ShapeResult<number[]> =>
      Array.isArray(value) && value.every((v) => Number.isInteger(v))
        ? { ok: true, value: value as number[] }
        : { ok: false, expected: 'a list of port numbers' };
    const spec = { ports: yamlInput('ports', ports, []) };
    expect(parseInputs(reader({ ports: '[80, 443]' }), spec).ports).toEqual([80, 443]);
    expect(parseInputs(reader({}), spec).ports).toEqual([]);
    expect(() => parseInputs(reader({ ports: 'a: b' }), spec)).toThrow(
      'Input ports must be a list of port numbers: fix its YAML.',
    );
    expect(() => parseInputs(reader({ ports: '[80, ' }), spec)).toThrow(
      /^Input ports is not valid YAML \(.+\): fix the syntax, or quote the value\.$/,
    );
  });
});
