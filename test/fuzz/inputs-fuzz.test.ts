import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse } from 'yaml';
import { adoName } from '@azpn/core/ado';
import { cases, fuzzedActions, fuzzWorkspace, judge, platforms, runCase } from './input-fuzz.js';

// Every action's inputs, fuzzed on both platforms: a malformed value of any input ends the step with one sentence
// naming that input, no stack trace, and no socket, DNS lookup or process (a guard refuses and counts them).
// The 10,000-case run with counts is `npm run bench -- fuzz`.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workspace = fuzzWorkspace();
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** Enough to meet every generator in `npm test`, few enough to keep it to seconds. */
const runsPerAction = 60;

describe.each(fuzzedActions().map((a) => [a.name, a] as const))(
  'fuzzing the inputs of %s',
  (name, action) => {
    it('covers every input the manifests declare, under the same names on both platforms', () => {
      const declared = Object.keys(
        (parse(readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8')) as { inputs: object }).inputs,
      );
      expect([...Object.keys(action.malformed), ...Object.keys(action.free)].sort()).toEqual(
        [...declared].sort(),
      );
      const task = JSON.parse(readFileSync(join(root, 'actions', name, 'task.json'), 'utf8')) as {
        inputs: { name: string }[];
      };
      const taskNames = new Set(task.inputs.map((i) => i.name));
      expect(Object.keys(action.malformed).filter((input) => !taskNames.has(adoName(input)))).toEqual([]);
    });

    it.each(platforms)(
      'on %s: the valid baseline reaches its first network call, which the guard sees',
      async (platform) => {
        // Proves the property can fail: with nothing malformed the step reaches the network, and the guard counts it.
        const patch: Record<string, string> = name === 'sample' ? { cloud: 'https://arm.fuzz.invalid' } : {};
        const outcome = await runCase(action, platform, patch, workspace);
        expect(outcome.network.length + outcome.processes.length).toBeGreaterThan(0);
        expect(judge(outcome, 'cloud').networkCall).toBe(true);
      },
    );

    it.each(platforms)(
      'on %s: one sentence naming the input, no stack trace, no network call',
      async (platform) => {
        await fc.assert(
          fc.asyncProperty(cases(action), async ({ input, patch }) => {
            const verdict = judge(await runCase(action, platform, patch, workspace), input);
            expect({ input, ...verdict }).toEqual({
              input,
              stackTrace: false,
              networkCall: false,
              unclear: false,
              message: expect.stringMatching(new RegExp(`\\b${input}\\b`)),
            });
          }),
          { numRuns: runsPerAction },
        );
      },
    );
  },
);
