/**
 * `npm run bench -- fuzz`: 10,000 malformed-input cases, spread over every action and both platforms, each run
 * in-process with every socket, DNS lookup and child process refused. Counts the cases that showed a stack
 * trace, tried the network or ended without one clear sentence naming the input. The goal is zero for each.
 */
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { cases, fuzzedActions, fuzzWorkspace, judge, platforms, runCase } from '../fuzz/input-fuzz.js';

const total = 10_000;

export default async function fuzzFigures(): Promise<Record<string, number | string>> {
  const workspace = fuzzWorkspace();
  const actions = fuzzedActions();
  const combinations = actions.flatMap((action) => platforms.map((platform) => ({ action, platform })));
  const perCombination = Math.ceil(total / combinations.length);
  const counts = { cases: 0, stack_traces: 0, network_calls: 0, unclear_messages: 0 };
  const examples: string[] = [];
  const started = performance.now();
  try {
    for (const [index, { action, platform }] of combinations.entries()) {
      const sampled = fc.sample(cases(action), { numRuns: perCombination, seed: 14_000 + index });
      for (const { input, patch } of sampled) {
        const verdict = judge(await runCase(action, platform, patch, workspace), input);
        counts.cases++;
        if (verdict.stackTrace) counts.stack_traces++;
        if (verdict.networkCall) counts.network_calls++;
        if (verdict.unclear) counts.unclear_messages++;
        if ((verdict.stackTrace || verdict.networkCall || verdict.unclear) && examples.length < 3)
          examples.push(`${action.name}/${platform}/${input}: ${verdict.message.slice(0, 200)}`);
      }
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
  return {
    ...counts,
    actions: actions.length,
    platforms: platforms.length,
    ms_per_case: Number(((performance.now() - started) / counts.cases).toFixed(3)),
    first_failures: examples.join(' | ') || 'none',
  };
}
