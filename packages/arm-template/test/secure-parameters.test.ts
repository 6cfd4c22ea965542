import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { toSnapshot } from '../src/index.js';
import { type ArmTemplate, ArmTemplateError, expandTemplate, readParameterValues } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '../bin/arm-template.js');
const context = {
  tenantId: 't',
  subscriptionId: '00000000-0000-0000-0000-0000000000c1',
  resourceGroup: 'rg',
  location: 'westeurope',
};
// Both quotes and a backslash, so the raw, JSON-escaped and ARM-literal forms differ and each can be looked for.
const secret = 'Pa"s\'s\\w0rd-Secret';
const apiKey = 'api-key-0123456789';

/** Every form a secret could take in printed output: raw, JSON-escaped, an ARM string literal's body. */
function leaks(text: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1), secret.replace(/'/g, "''"), apiKey];
  return forms.filter((form) => text.includes(form));
}

/** A template where secure parameters flow into properties, functions, a module's parameters and outputs. */
const template: ArmTemplate = {
  parameters: {
    password: { type: 'securestring' },
    settings: { type: 'secureobject' },
    prefix: { type: 'string', defaultValue: 'app' },
  },
  resources: [
    {
      type: 'Microsoft.Network/networkSecurityGroups',
      apiVersion: '2024-05-01',
      name: "[format('{0}-nsg', parameters('prefix'))]",
      location: 'westeurope',
      tags: {
        password: "[parameters('password')]",
        joined: "[concat(parameters('prefix'), parameters('password'))]",
        key: "[parameters('settings').key]",
      },
    },
    {
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: 'worker',
      properties: {
        mode: 'Incremental',
        expressionEvaluationOptions: { scope: 'inner' },
        parameters: { token: { value: "[format('{0}!', parameters('password'))]" } },
        template: {
          parameters: { token: { type: 'securestring' } },
          resources: [
            {
              type: 'Microsoft.Network/applicationSecurityGroups',
              apiVersion: '2024-05-01',
              name: 'asg',
              location: 'westeurope',
              tags: { token: "[parameters('token')]" },
            },
          ],
        },
      },
    },
  ],
  outputs: {
    passwordOut: { type: 'securestring', value: "[parameters('password')]" },
    keyLength: { type: 'int', value: "[length(parameters('settings').key)]" },
  },
};
const parameters = { password: secret, settings: { key: apiKey } };

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) =>
      done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

function failure(evaluate: () => unknown): ArmTemplateError {
  try {
    evaluate();
  } catch (error) {
    if (error instanceof ArmTemplateError) return error;
    throw error;
  }
  throw new Error('expected an ArmTemplateError');
}

describe('secure parameters never appear in clear', () => {
  it('arm-template expand keeps each supplied secure value as the expression that reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arm-template-secure-'));
    writeFileSync(join(dir, 'main.json'), JSON.stringify(template));
    writeFileSync(
      join(dir, 'main.parameters.json'),
      JSON.stringify({ contentVersion: '1.0.0.0', parameters: { password: { value: secret } } }),
    );
    const contextArgs = ['--tenant-id', 't', '--subscription-id', context.subscriptionId];
    const result = await run([
      'expand',
      join(dir, 'main.json'),
      '--parameters',
      join(dir, 'main.parameters.json'),
      '--param',
      `settings=${JSON.stringify({ key: apiKey })}`,
      ...contextArgs,
      ...['--resource-group', 'rg', '--location', 'westeurope'],
    ]);
    expect(result.stderr).toBe('');
    expect(leaks(result.stdout + result.stderr)).toEqual([]);
    const snapshot = JSON.parse(result.stdout) as ReturnType<typeof toSnapshot>;
    const [nsg, asg] = snapshot.predictedResources as { tags: Record<string, string> }[];
    expect(nsg?.tags).toEqual({
      password: "[parameters('password')]",
      joined: "[concat('app', parameters('password'))]",
      key: "[parameters('settings').key]",
    });
    // The module's own secure parameter reads the parent's expression, as bicep snapshot writes it.
    expect(asg?.tags).toEqual({ token: "[format('{0}!', parameters('password'))]" });
    expect(snapshot.outputs).toEqual({
      passwordOut: "[parameters('password')]",
      keyLength: "[length(parameters('settings').key)]",
    });
  });

  it('a deployment still gets the real values, in bodies and outputs', () => {
    const expansion = expandTemplate(template, { parameters, context });
    const nsg = expansion.resources.find((r) => r.name === 'app-nsg');
    expect(nsg?.pending).toBe(false);
    expect(nsg?.body.tags).toEqual({ password: secret, joined: `app${secret}`, key: apiKey });
    expect(expansion.resources.find((r) => r.name === 'asg')?.body.tags).toEqual({ token: `${secret}!` });
    expect(expansion.outputs).toEqual({ passwordOut: secret, keyLength: apiKey.length });
  });

  it('an error never quotes a secure value, in a deployment or in an expansion', () => {
    const refusing: ArmTemplate = {
      parameters: {
        password: { type: 'securestring' },
        tier: { type: 'securestring', allowedValues: ['gold', 'silver'] },
      },
      outputs: { n: { type: 'int', value: "[int(parameters('password'))]" } },
    };
    for (const secureParametersAsExpressions of [false, true]) {
      const conversion = failure(() =>
        expandTemplate(refusing, {
          parameters: { password: secret, tier: 'gold' },
          context,
          secureParametersAsExpressions,
        }).finishOutputs({ reference: () => undefined }),
      );
      expect(leaks(`${conversion.message} ${conversion.target ?? ''}`)).toEqual([]);
      const notAllowed = failure(() =>
        expandTemplate(
          { parameters: refusing.parameters },
          {
            parameters: { password: secret, tier: secret },
            context,
            secureParametersAsExpressions,
          },
        ),
      );
      expect(notAllowed.message).toMatch(/parameter 'tier'.*not one of the allowed values/);
      expect(leaks(notAllowed.message)).toEqual([]);
    }
  });

  it('a runtime value that still waits for state is named without the secure value it was computed from', () => {
    const waiting: ArmTemplate = {
      parameters: { password: { type: 'securestring' } },
      resources: [
        { type: 'Microsoft.Network/publicIPAddresses', apiVersion: '2024-05-01', name: 'pip', location: 'x' },
        {
          type: 'Microsoft.Network/networkSecurityGroups',
          apiVersion: '2024-05-01',
          name: 'nsg',
          location: 'x',
          tags: { both: "[format('{0}/{1}', parameters('password'), reference('pip').ipAddress)]" },
        },
      ],
      outputs: {
        both: { type: 'string', value: "[concat(parameters('password'), reference('pip').ipAddress)]" },
      },
    };
    const expansion = expandTemplate(waiting, { parameters: { password: secret }, context });
    const unknown = { reference: () => undefined };
    const nsg = expansion.resources.find((r) => r.name === 'nsg')!;
    for (const error of [
      failure(() => expansion.finishResource(nsg.id, unknown)),
      failure(() => expansion.finishOutputs(unknown)),
    ]) {
      expect(error.code).toBe('RuntimeValueRequired');
      expect(error.message).toContain("[parameters('password')]");
      expect(leaks(error.message)).toEqual([]);
    }
  });

  it('a broken parametersJson (bicep build-params output) is refused without quoting its text', () => {
    const error = failure(() =>
      readParameterValues({ parametersJson: `{"parameters": {"password": {"value": ${apiKey}}}}` }),
    );
    expect(error.code).toBe('InvalidTemplateParameter');
    expect(leaks(error.message)).toEqual([]);
  });
});
