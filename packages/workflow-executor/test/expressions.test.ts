import { describe, expect, it } from '@jest/globals';
import {
  azureFunctions,
  azureStatusFunctions,
  evaluateAzureCondition,
  substituteTemplate,
} from '../src/expressions/azure-expressions.js';
import { evaluateText, type Scope } from '../src/expressions/evaluate.js';
import {
  evaluateCondition,
  evaluateValue,
  githubFunctions,
  interpolate,
  statusFunctions,
} from '../src/expressions/github-expressions.js';
import type { Value } from '../src/expressions/values.js';

function github(contexts: Record<string, Value>, status = { failed: false, cancelled: false }): Scope {
  return {
    where: 'test',
    contexts,
    functions: {
      ...githubFunctions,
      ...statusFunctions({ failed: () => status.failed, cancelled: () => status.cancelled }),
    },
  };
}

const event = {
  github: {
    event_name: 'pull_request',
    event: {
      action: 'closed',
      pull_request: { number: 7, merged: true, labels: [{ name: 'preview' }, { name: 'Ready' }] },
    },
  },
  steps: {
    'deploy-it': {
      outputs: { 'has-changes': 'true', count: '3' },
      outcome: 'failure',
      conclusion: 'success',
    },
  },
  matrix: { env: 'dev' },
};

describe('GitHub expressions', () => {
  const scope = github(event);
  it.each([
    ["github.event.action == 'closed'", true],
    ["github.event.action == 'CLOSED'", true],
    ["github.event.action != 'closed'", false],
    ["!(github.event.action == 'opened')", true],
    ['github.event.pull_request.number == 7', true],
    ["github.event.pull_request.number == '7'", true],
    ['steps.deploy-it.outputs.count > 2', true],
    ["steps.deploy-it.outputs['has-changes'] == 'true'", true],
    ['steps.deploy-it.outputs.has-changes', 'true'],
    ['github.EVENT.Pull_Request.Merged', true],
    ['github.event.missing.deeper', null],
    ["github.event.action == 'opened' || 'fallback'", 'fallback'],
    ["matrix.env && 'second'", 'second'],
    ["contains(github.event.pull_request.labels.*.name, 'ready')", true],
    ["contains('Hello world', 'WORLD')", true],
    ["startsWith(github.event_name, 'pull')", true],
    ["endsWith('refs/heads/main', '/MAIN')", true],
    ["format('pr-{0}-{1} {{x}}', github.event.pull_request.number, matrix.env)", 'pr-7-dev {x}'],
    ["join(github.event.pull_request.labels.*.name, '+')", 'preview+Ready'],
    ['fromJSON(\'{"a":[1,2]}\').a[1]', 2],
    ['toJSON(matrix)', '{\n  "env": "dev"\n}'],
    ['null == 0', true],
    ["'' == false", true],
    ["'abc' == 0", false],
  ])('%s → %p', (text, expected) => {
    expect(evaluateText(text, scope)).toEqual(expected);
  });

  it('substitutes ${{ }} in text, braces inside strings included', () => {
    expect(interpolate("pr-${{ github.event.pull_request.number }} ${{ format('{0}}}', 'x') }}", scope)).toBe(
      'pr-7 x}',
    );
    expect(interpolate('${{ matrix }}', scope)).toBe('{\n  "env": "dev"\n}');
    expect(evaluateValue("${{ fromJSON('[1,2]') }}", scope)).toEqual([1, 2]);
  });

  it('adds success() to a condition without a status function, and knows failure, cancelled and always', () => {
    const failed = github(event, { failed: true, cancelled: false });
    expect(evaluateCondition("github.event.action == 'closed'", scope)).toBe(true);
    expect(evaluateCondition("${{ github.event.action == 'closed' }}", failed)).toBe(false);
    expect(evaluateCondition("failure() && github.event.action == 'closed'", failed)).toBe(true);
    expect(evaluateCondition('always()', github(event, { failed: true, cancelled: true }))).toBe(true);
    expect(evaluateCondition('cancelled()', github(event, { failed: false, cancelled: true }))).toBe(true);
    expect(evaluateCondition(undefined, github(event, { failed: false, cancelled: true }))).toBe(false);
  });

  it('names the place and what is wrong when an expression cannot be read or evaluated', () => {
    expect(() => evaluateText("github.event.action == 'closed", scope)).toThrow(
      /The expression ".*" cannot be read: a string is not closed with a single quote/,
    );
    expect(() => evaluateText('secrets.TOKEN', scope)).toThrow(
      'test reads the context "secrets", which is not available there (available: github, steps, matrix).',
    );
    expect(() => evaluateText("hashFiles('x')", scope)).toThrow(/hashFiles\(\) is not supported/);
  });
});

describe('Azure Pipelines expressions', () => {
  function azure(
    variables: Record<string, Value>,
    results: string[] = ['Succeeded'],
    cancelled = false,
  ): Scope {
    return {
      where: 'test',
      contexts: { variables, parameters: { mode: 'preview', regions: ['westeurope', 'northeurope'] } },
      functions: {
        ...azureFunctions,
        ...azureStatusFunctions({ results: () => results, cancelled: () => cancelled }),
      },
    };
  }
  const scope = azure({
    'Build.Reason': 'PullRequest',
    count: '3',
    'System.PullRequest.PullRequestId': '12',
  });

  it.each([
    ["eq(variables['Build.Reason'], 'pullrequest')", true],
    ["ne(variables['build.reason'], 'Schedule')", true],
    ["and(succeeded(), eq(variables['Build.Reason'], 'PullRequest'))", true],
    ["or(eq(variables.count, 4), in(variables['Build.Reason'], 'Manual', 'PullRequest'))", true],
    ['not(notIn(variables.count, 1, 2, 3))', true],
    ['gt(variables.count, 2)', true],
    ["coalesce(variables.missing, '', 'fallback')", 'fallback'],
    ["format('pr-{0}', variables['System.PullRequest.PullRequestId'])", 'pr-12'],
    ["containsValue(parameters.regions, 'NorthEurope')", true],
    ["iif(eq(parameters.mode, 'preview'), 'yes', 'no')", 'yes'],
  ])('%s → %p', (text, expected) => {
    expect(evaluateText(text, scope)).toEqual(expected);
  });

  it('defaults to succeeded(), and a custom condition replaces it entirely', () => {
    const failed = azure({}, ['Failed']);
    expect(evaluateAzureCondition(undefined, failed)).toBe(false);
    expect(evaluateAzureCondition("eq('a', 'a')", failed)).toBe(true);
    expect(evaluateAzureCondition('failed()', failed)).toBe(true);
    expect(evaluateAzureCondition('succeededOrFailed()', azure({}, ['Failed'], true))).toBe(false);
    expect(evaluateAzureCondition('canceled()', azure({}, ['Succeeded'], true))).toBe(true);
  });

  it('substitutes template expressions, keeping the type of a whole-value expression', () => {
    expect(substituteTemplate('${{ parameters.regions }}', scope)).toEqual(['westeurope', 'northeurope']);
    expect(substituteTemplate('rg-${{ parameters.mode }}-${{ upper(parameters.mode) }}', scope)).toBe(
      'rg-preview-PREVIEW',
    );
  });
});
