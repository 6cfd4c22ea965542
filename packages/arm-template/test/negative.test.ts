import { describe, expect, it } from '@jest/globals';
import {
  type ArmTemplate,
  ArmTemplateError,
  evaluateExpression,
  expandTemplate,
  readParameterValues,
} from '../src/index.js';

const context = {
  tenantId: 't',
  subscriptionId: '00000000-0000-0000-0000-0000000000c1',
  resourceGroup: 'rg',
  location: 'westeurope',
};

function failure(run: () => unknown): ArmTemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof ArmTemplateError) return error;
    throw error;
  }
  throw new Error('expected an ArmTemplateError');
}

function withOutput(value: string, extra: Partial<ArmTemplate> = {}): ArmTemplate {
  return { ...extra, outputs: { o: { type: 'string', value } } };
}

describe('invalid and unsupported constructs fail clearly', () => {
  it('names an unknown function and where it is', () => {
    const error = failure(() => expandTemplate(withOutput("[frobnicate('x')]"), { context }));
    expect(error.code).toBe('InvalidTemplate');
    expect(error.message).toContain("'frobnicate'");
    expect(error.target).toBe('outputs.o.value');
  });

  it("stops with fail()'s own message, only on the branch the condition takes", () => {
    const template = withOutput(
      "[if(equals(parameters('entry'), 'ok'), 'fine', fail(format('Entry {0} is bad.', parameters('entry'))))]",
      {
        parameters: { entry: { type: 'string' } },
      },
    );
    const expand = (entry: string) =>
      expandTemplate(template, {
        parameters: { entry },
        context,
      });
    expect(expand('ok').outputs.o).toBe('fine');
    const error = failure(() => expand('https://x'));
    expect(error.code).toBe('InvalidTemplate');
    expect(error.detail).toMatch(/^Entry https:\/\/x is bad\. /);
    expect(error.target).toBe('outputs.o.value');
  });

  it('names a syntax error in an expression', () => {
    const error = failure(() => expandTemplate(withOutput("[concat('a', ]"), { context }));
    expect(error.code).toBe('InvalidTemplate');
    expect(error.message).toContain("concat('a', ");
    expect(error.message).toMatch(/position \d+/);
  });

  it('names a missing parameter', () => {
    const template = withOutput("[parameters('name')]", { parameters: { name: { type: 'string' } } });
    const error = failure(() => expandTemplate(template, { context }));
    expect(error.code).toBe('MissingParameterValue');
    expect(error.message).toContain("'name'");
  });

  it.each([
    [{ type: 'string', allowedValues: ['a', 'b'] }, 'c', /not one of the allowed values/],
    [{ type: 'string', minLength: 3 }, 'ab', /less than its minimum length 3/],
    [{ type: 'string', maxLength: 2 }, 'abc', /more than its maximum length 2/],
    [{ type: 'int', minValue: 1 }, 0, /less than its minimum value 1/],
    [{ type: 'int', maxValue: 9 }, 10, /more than its maximum value 9/],
    [{ type: 'int' }, 'ten', /expects a value of type 'int'/],
    [{ type: 'securestring' }, 5, /expects a value of type 'securestring'/],
    [{ $ref: '#/definitions/pair' }, { a: 1 }, /missing the required property 'b'/],
    [{ $ref: '#/definitions/pair' }, { a: 1, b: 'x', c: 2 }, /expects a value of type 'int'/],
    [{ type: 'array', items: { type: 'int' } }, [1, 'x'], /expects a value of type 'int'/],
  ])('rejects %j = %j with a message naming the parameter', (definition, value, message) => {
    const template = withOutput("[string(parameters('p'))]", {
      languageVersion: '2.0',
      definitions: {
        pair: {
          type: 'object',
          properties: { a: { type: 'int' }, b: { type: 'int' } },
          additionalProperties: { type: 'int' },
        },
      },
      parameters: { p: definition as never },
    });
    const error = failure(() => expandTemplate(template, { context, parameters: { p: value as never } }));
    expect(error.code).toBe('InvalidTemplateParameter');
    expect(error.message).toContain("parameter 'p'");
    expect(error.message).toMatch(message);
  });

  it('rejects a parameter the template does not declare', () => {
    const error = failure(() => expandTemplate(withOutput('x'), { context, parameters: { typo: 1 } }));
    expect(error.code).toBe('InvalidTemplateParameter');
    expect(error.message).toContain("'typo'");
  });

  it('rejects a Key Vault reference in a parameters file, naming the parameter', () => {
    const file = {
      $schema: 'x',
      contentVersion: '1.0.0.0',
      parameters: { pw: { reference: { keyVault: { id: 'kv' }, secretName: 's' } } },
    };
    expect(failure(() => readParameterValues(file)).message).toContain("'pw'");
  });

  it('rejects a nested deployment with templateLink, which needs I/O', () => {
    const template: ArmTemplate = {
      resources: [
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'linked',
          properties: { templateLink: { uri: 'https://x' } },
        },
      ],
    };
    const error = failure(() => expandTemplate(template, { context }));
    expect(error.message).toContain("'linked'");
    expect(error.message).toContain('templateLink');
  });

  it('rejects a copy count that is only known at run time', () => {
    const template: ArmTemplate = {
      resources: [
        {
          type: 'Microsoft.Network/virtualNetworks',
          apiVersion: '2023-04-01',
          name: "[format('v{0}', copyIndex())]",
          copy: { name: 'l', count: "[reference('x').n]" },
        },
      ],
    };
    const error = failure(() => expandTemplate(template, { context }));
    expect(error.message).toMatch(/copy count/);
    expect(error.target).toBe('resources[0].copy.count');
  });

  it('rejects variables() inside a user-defined function, and copyIndex() outside a loop', () => {
    const template = withOutput('[ns.f()]', {
      functions: [
        {
          namespace: 'ns',
          members: { f: { parameters: [], output: { type: 'string', value: "[variables('v')]" } } },
        },
      ],
      variables: { v: 'x' },
    });
    expect(failure(() => expandTemplate(template, { context })).message).toMatch(
      /'variables' cannot be used inside a user-defined function/,
    );
    expect(failure(() => evaluateExpression('[copyIndex()]', context)).message).toMatch(
      /outside a copy loop/,
    );
  });

  it('reports ARM runtime errors: division by zero, bad index, missing property', () => {
    expect(failure(() => evaluateExpression('[div(1, 0)]', context)).message).toMatch(/divide by zero/);
    expect(failure(() => evaluateExpression('[createArray(1)[3]]', context)).message).toMatch(
      /out of bounds/,
    );
    expect(failure(() => evaluateExpression("[createObject('a', 1).b]", context)).message).toMatch(
      /property 'b' doesn't exist, available properties are 'a'/,
    );
  });

  it('rejects a subscription id that is not a GUID in resourceId, as ARM does', () => {
    const error = failure(() =>
      evaluateExpression("[resourceId('sub', 'rg', 'Microsoft.Network/virtualNetworks', 'v')]", context),
    );
    expect(error.message).toMatch(/The provided value 'sub' is not valid subscription identifier/);
  });

  it.each([
    [
      'a variable',
      { variables: { v: '[utcNow()]' }, outputs: { o: { type: 'string', value: "[variables('v')]" } } },
    ],
    ['an output', withOutput('[newGuid()]')],
    [
      'a resource',
      {
        resources: [
          {
            type: 'Microsoft.Storage/storageAccounts',
            apiVersion: '2023-01-01',
            name: 'sa',
            properties: { tag: "[utcNow('yyyy')]" },
          },
        ],
      },
    ],
  ] as [string, ArmTemplate][])('rejects utcNow and newGuid in %s, as ARM does', (_where, template) => {
    const error = failure(() => expandTemplate(template, { context }));
    expect(error.code).toBe('InvalidTemplate');
    expect(error.message).toMatch(
      /The template function '(utcNow|newGuid)' is not expected at this location. The function can only be used with parameter default value/,
    );
  });

  it('allows utcNow and newGuid in parameter defaults, from the deployment context', () => {
    const template = withOutput("[parameters('p')]", {
      parameters: { p: { type: 'string', defaultValue: "[concat(utcNow('yyyy-MM-dd'), '/', newGuid())]" } },
    });
    const expansion = expandTemplate(template, {
      context: { ...context, now: new Date('2024-05-06T07:08:09Z'), newGuid: () => 'g-1' },
    });
    expect(expansion.outputs.o).toBe('2024-05-06/g-1');
  });

  it.each([
    ['2019-08-01/managementGroupDeploymentTemplate.json#', 'management group'],
    ['2019-08-01/tenantDeploymentTemplate.json#', 'tenant'],
  ])(
    'rejects a top-level %s template, naming its scope, instead of giving it resource group ids',
    (schema, scope) => {
      const template: ArmTemplate = {
        $schema: `https://schema.management.azure.com/schemas/${schema}`,
        resources: [{ type: 'Microsoft.Resources/resourceGroups', apiVersion: '2022-09-01', name: 'rg2' }],
      };
      for (const where of [context, { ...context, resourceGroup: undefined }]) {
        const error = failure(() => expandTemplate(template, { context: where }));
        expect(error.code).toBe('InvalidTemplate');
        expect(error.message).toContain(
          `${schema}' is for a deployment at ${scope} scope, and this engine expands deployments at resource group and subscription scope only`,
        );
        expect(error.target).toBe('$schema');
      }
    },
  );

  it('rejects a template deployed at a scope its $schema is not written for, saying where to deploy it', () => {
    const schemas = 'https://schema.management.azure.com/schemas';
    const atSubscription = failure(() =>
      expandTemplate({ $schema: `${schemas}/2018-05-01/subscriptionDeploymentTemplate.json#` }, { context }),
    );
    expect(atSubscription.message).toContain(
      "is for a deployment at subscription scope, but a resource group ('rg') was given; deploy it at subscription scope",
    );
    const atGroup = failure(() =>
      expandTemplate(
        { $schema: `${schemas}/2019-04-01/deploymentTemplate.json#` },
        { context: { ...context, resourceGroup: undefined } },
      ),
    );
    expect(atGroup.message).toContain(
      'is for a deployment at resource group scope, but no resource group was given',
    );
  });

  it("refuses resourceGroup() at subscription scope in ARM's words, saying where to read it", () => {
    const error = failure(() =>
      evaluateExpression('[resourceGroup().name]', { ...context, resourceGroup: undefined }),
    );
    expect(error.message).toContain("The deployment metadata 'resourceGroup' is not valid.");
    expect(error.message).toContain('read it in a module scoped to one');
  });

  /** A module as Bicep writes it for `scope: subscription()` or `scope: tenant()`. */
  function scopedModule(scope: Record<string, string>): ArmTemplate {
    return {
      resources: [
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2025-04-01',
          name: 'subdeploy',
          ...scope,
          location: '[resourceGroup().location]',
          properties: {
            expressionEvaluationOptions: { scope: 'inner' },
            mode: 'Incremental',
            template: {
              $schema:
                'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
              resources: [
                {
                  type: 'Microsoft.Resources/resourceGroups',
                  apiVersion: '2022-09-01',
                  name: 'rg2',
                  location: 'westeurope',
                },
              ],
            },
          },
        },
      ],
    };
  }

  it('places a module at subscription scope at the subscription, not in the parent resource group', () => {
    const expansion = expandTemplate(scopedModule({ subscriptionId: '[subscription().subscriptionId]' }), {
      context,
    });
    const sub = `/subscriptions/${context.subscriptionId}`;
    expect(expansion.resources.map((r) => [r.id, r.deploymentScope])).toEqual([
      [`${sub}/resourceGroups/rg2`, { subscriptionId: context.subscriptionId }],
    ]);
    expect(expansion.deployments.map((d) => [d.id, d.deploymentScope])).toEqual([
      [
        `${sub}/providers/Microsoft.Resources/deployments/subdeploy`,
        { subscriptionId: context.subscriptionId },
      ],
    ]);
  });

  it('rejects a module at tenant or management group scope', () => {
    const error = failure(() => expandTemplate(scopedModule({ scope: '/' }), { context }));
    expect(error.message).toContain(
      `The nested deployment 'subdeploy' targets the scope '/' (a management group or the tenant), and this engine deploys at resource group and subscription scope only`,
    );
    expect(error.target).toMatch(/\.scope$/);
  });

  it('rejects a deployed resource that sets subscriptionId or resourceGroup, which only modules and existing resources read', () => {
    const template: ArmTemplate = {
      resources: [
        {
          type: 'Microsoft.Network/virtualNetworks',
          apiVersion: '2023-04-01',
          name: 'v',
          resourceGroup: 'other',
        },
      ],
    };
    expect(failure(() => expandTemplate(template, { context })).message).toContain(
      "The resource 'v' sets subscriptionId or resourceGroup",
    );
  });

  const vnet = (name: string, extra: Record<string, unknown> = {}) => ({
    type: 'Microsoft.Network/virtualNetworks',
    apiVersion: '2023-04-01',
    name,
    ...extra,
  });

  it.each([
    ['two declarations', [vnet('hub'), vnet('HUB', { properties: { a: 1 } })], 'resources[1]'],
    ['a copy loop', [vnet('hub', { copy: { name: 'l', count: 2 } })], 'resources[0][1]'],
  ])('rejects one resource declared twice (%s), as ARM does', (_how, resources, second) => {
    const error = failure(() => expandTemplate({ resources }, { context }));
    expect(error.code).toBe('InvalidTemplate');
    expect(error.message).toContain(
      "The resource 'Microsoft.Network/virtualNetworks/hub' is defined multiple times in a template: first at resources[0]",
    );
    expect(error.target).toContain(second);
  });

  it('allows one resource declared twice when only one declaration has a true condition', () => {
    const resources = [
      vnet('hub', { condition: false }),
      vnet('hub'),
      vnet('hub', { condition: '[equals(1, 2)]' }),
    ];
    expect(expandTemplate({ resources }, { context }).order).toEqual([
      [
        '/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub',
      ],
    ]);
  });

  it.each([
    [
      { mode: 'sideways' },
      "The template resource '[format('v{0}', copyIndex())]' has an invalid copy mode 'sideways'. The supported values are 'Parallel,Serial'.",
      'mode',
    ],
    [{ mode: '' }, "has an invalid copy mode ''.", 'mode'],
    [{ mode: 2 }, 'gives its copy mode as the number 2, which this engine does not read', 'mode'],
    [
      { mode: 'serial', batchSize: 'two' },
      "is not valid: Evaluation result of language expression 'two' is type 'String', expected type is 'Integer'.",
      'batchSize',
    ],
    [{ mode: 'serial', batchSize: 2.5 }, "'2.5' is type 'Float', expected type is 'Integer'.", 'batchSize'],
    [{ mode: 'serial', batchSize: '[null()]' }, "'null' is type 'Null'", 'batchSize'],
    [
      { mode: 'serial', batchSize: -1 },
      "The template 'copy' definition has an invalid copy batch size. The copy batch size must be a non-negative integer value.",
      'batchSize',
    ],
    [
      { mode: 'parallel', batchSize: 2 },
      "has an unexpected copy batch size value. The copy batch size is only supported for copy mode values: 'Serial'.",
      'batchSize',
    ],
    [{ batchSize: 2 }, 'has an unexpected copy batch size value.', 'batchSize'],
    [
      { mode: 'serial', batchSize: 0 },
      'has the copy batch size 0, for which ARM documents no deployment order',
      'batchSize',
    ],
  ])('rejects the copy settings %j as ARM does', (settings, message, key) => {
    const template: ArmTemplate = {
      resources: [
        {
          type: 'Microsoft.Network/virtualNetworks',
          apiVersion: '2023-04-01',
          name: "[format('v{0}', copyIndex())]",
          copy: { name: 'l', count: 2, ...settings },
        },
      ],
    };
    const error = failure(() => expandTemplate(template, { context }));
    expect(error.code).toBe('InvalidTemplate');
    expect(error.message).toContain(message);
    expect(error.target).toBe(`resources[0].copy.${key}`);
  });

  /** What Bicep emits for `extension kubernetes with {…} as k8s` and a `core/Namespace@v1` resource. */
  const kubernetes = (form: 'imports' | 'extensions'): ArmTemplate => ({
    languageVersion: '2.0',
    [form]: {
      k8s: {
        [form === 'imports' ? 'provider' : 'name']: 'Kubernetes',
        version: '1.0.0',
        config: { namespace: 'default', kubeConfig: 'abc' },
      },
    },
    resources: {
      // An extension resource has no ARM name, which the template types require.
      ns: {
        [form === 'imports' ? 'import' : 'extension']: 'k8s',
        type: 'core/Namespace@v1',
        properties: { metadata: { name: 'demo' } },
      } as never,
    },
  });

  it.each(['imports', 'extensions'] as const)(
    "rejects a Bicep extension ('%s'), naming it, instead of failing on the resource's missing name",
    (form) => {
      const error = failure(() => expandTemplate(kubernetes(form), { context }));
      expect(error.code).toBe('InvalidTemplate');
      expect(error.message).toContain(
        `The template declares the Bicep extension 'k8s' (Kubernetes, in '${form}'), which this engine does not support`,
      );
      expect(error.target).toBe(`${form}.k8s`);
    },
  );

  it.each([
    ['import', 'k8s', "belongs to the Bicep extension 'k8s' ('import')"],
    ['extension', 'k8s', "belongs to the Bicep extension 'k8s' ('extension')"],
    ['@options', { retryOn: [['ResourceNotFound']] }, 'has deployment options (@options: retryOn'],
    ['method', 'PATCH', "is deployed with the method 'PATCH'"],
  ])('rejects a resource with %s, naming it and the resource', (key, value, message) => {
    const template: ArmTemplate = {
      languageVersion: '2.0',
      resources: {
        sa: {
          type: 'Microsoft.Storage/storageAccounts',
          apiVersion: '2023-01-01',
          name: 'sa',
          [key]: value,
        },
      },
    };
    const error = failure(() => expandTemplate(template, { context }));
    expect(error.code).toBe('InvalidTemplate');
    expect(error.message).toContain(`The resource of type 'Microsoft.Storage/storageAccounts' ${message}`);
    expect(error.target).toBe(`resources.sa.${key}`);
  });

  it('names the module whose template declares an extension', () => {
    const template: ArmTemplate = {
      resources: [
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'cluster',
          properties: {
            mode: 'Incremental',
            expressionEvaluationOptions: { scope: 'inner' },
            template: kubernetes('extensions'),
          },
        },
      ],
    };
    expect(failure(() => expandTemplate(template, { context })).target).toBe(
      "module 'cluster' extensions.k8s",
    );
  });

  it('rejects an unsupported languageVersion', () => {
    expect(failure(() => expandTemplate({ languageVersion: '9.0' }, { context })).target).toBe(
      'languageVersion',
    );
  });
});

describe('expression grammar', () => {
  it('reads escapes, nested calls, property and index access and null-forgiving access', () => {
    expect(evaluateExpression('[[not an expression]', context)).toBe('[not an expression]');
    expect(evaluateExpression("[concat('it''s', ' ', string(add(1, mul(2, 3))))]", context)).toBe("it's 7");
    expect(
      evaluateExpression("[createObject('a', createArray(1, createObject('b', 'deep')))['a'][1].b]", context),
    ).toBe('deep');
    expect(evaluateExpression("[createObject('a', null()).?a.?b]", context)).toBeNull();
    expect(evaluateExpression("[tryGet(createObject('A', 1), 'a')]", context)).toBe(1);
    expect(evaluateExpression("[if(true(), 'yes', div(1, 0))]", context)).toBe('yes');
    expect(evaluateExpression('plain text', context)).toBe('plain text');
  });
});
