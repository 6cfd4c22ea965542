import { describe, expect, it } from '@jest/globals';
import { defaultDeploymentName, deploymentNamePattern } from '../src/deployment-name.js';
import { OverrideSyntaxError, parseParameterOverrides } from '../src/parameter-overrides.js';

describe('defaultDeploymentName', () => {
  it('names a deployment after its template and run', () => {
    expect(
      defaultDeploymentName({
        templateFile: 'bicep/forwarder/main.bicepparam',
        runId: '8812',
        runAttempt: '1',
      }),
    ).toBe('main-8812');
    expect(
      defaultDeploymentName({
        templateFile: 'infra/My App!.bicep',
        runId: '7',
        runAttempt: '3',
        pullRequest: 42,
      }),
    ).toBe('my-app-pr42-7-a3');
  });

  it('always fits ARM rules, however long or odd the template name', () => {
    const name = defaultDeploymentName({
      templateFile: `${'ü'.repeat(30)}${'x'.repeat(80)}.json`,
      runId: '12345678901',
      runAttempt: '12',
    });
    expect(name).toMatch(deploymentNamePattern);
    expect(name.endsWith('-12345678901-a12')).toBe(true);
    expect(defaultDeploymentName({ templateFile: '###.bicep' })).toBe('deployment');
  });
});

describe('parseParameterOverrides', () => {
  it('reads name=value lines, taking JSON values where they parse', () => {
    expect(
      parseParameterOverrides(
        'instanceCount=3\nsshEnabled=true\nprefix = pr-7 \ntargets=["10.1.0.4"]\n# note',
      ),
    ).toEqual(
      new Map<string, unknown>([
        ['instanceCount', 3],
        ['sshEnabled', true],
        ['prefix', 'pr-7'],
        ['targets', ['10.1.0.4']],
      ]),
    );
  });

  it('reads a YAML mapping with nested values', () => {
    expect(
      parseParameterOverrides('portMappings:\n  - frontend: 8000\n    target: 80\nzone: internal.net'),
    ).toEqual(
      new Map<string, unknown>([
        ['portMappings', [{ frontend: 8000, target: 80 }]],
        ['zone', 'internal.net'],
      ]),
    );
  });

  it('keeps __proto__ and constructor as names, so that the template check can refuse them', () => {
    expect([...parseParameterOverrides('__proto__: 1\nconstructor: 2').keys()]).toEqual([
      '__proto__',
      'constructor',
    ]);
    expect([...parseParameterOverrides('__proto__={"polluted":true}').keys()]).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['just text', 'it must be a YAML mapping'],
    ['a=1\nnot a pair', 'line 2 ("not a pair") is not name=value'],
    ['a: [1', 'it is not valid YAML'],
    ['"bad name": 1', '"bad name" is not a valid parameter name'],
    ['=3', 'line 1 ("=3") is not name=value'],
  ])('refuses %j saying why', (text, why) => {
    expect(() => parseParameterOverrides(text)).toThrow(OverrideSyntaxError);
    expect(() => parseParameterOverrides(text)).toThrow(why);
  });
});
