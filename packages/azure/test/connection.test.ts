import { describe, expect, it } from '@jest/globals';
import { InputError } from '@azpn/core';
import { createMemoryPlatform } from '@azpn/core/memory';
import { openAzure, readAzureConnection } from '../src/index.js';
import { networkClient } from '../src/clients/network.js';
import { privateDnsClient } from '../src/clients/private-dns.js';
import { resourcesClient } from '../src/clients/resources.js';

const tenant = '11111111-2222-3333-4444-555555555555';
const client = '66666666-7777-8888-9999-000000000000';
const subscription = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

function failure(run: () => unknown): { input: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return { input: error.input, message: error.message };
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('readAzureConnection', () => {
  it('defaults to the public cloud and automatic sign-in (GitHub OIDC, then the CLI)', () => {
    const { platform } = createMemoryPlatform({
      inputs: { 'tenant-id': tenant, 'client-id': client, 'subscription-id': subscription },
    });
    expect(readAzureConnection(platform)).toEqual({
      cloud: 'AzureCloud',
      subscriptionId: subscription,
      credential: { kind: 'auto', tenantId: tenant, clientId: client, order: ['github-oidc', 'azure-cli'] },
    });
  });

  it('takes tenant, client and subscription from an Azure DevOps service connection', () => {
    const { platform } = createMemoryPlatform({
      platform: 'azure-devops',
      inputs: { 'azure-subscription': 'prod-connection', cloud: 'https://arm.local' },
      serviceConnections: {
        'prod-connection': {
          id: 'prod-connection',
          scheme: 'WorkloadIdentityFederation',
          parameters: { tenantid: tenant, serviceprincipalid: client },
          data: { subscriptionid: subscription },
        },
      },
    });
    expect(readAzureConnection(platform)).toEqual({
      cloud: 'https://arm.local',
      subscriptionId: subscription,
      credential: {
        kind: 'azure-devops',
        tenantId: tenant,
        clientId: client,
        serviceConnectionId: 'prod-connection',
      },
    });
  });

  it('masks a client secret as soon as it is read', () => {
    const { platform, record } = createMemoryPlatform({
      inputs: {
        auth: 'client-secret',
        'tenant-id': tenant,
        'client-id': client,
        'client-secret': 'hunter2-xyz',
        'subscription-id': subscription,
      },
    });
    expect(readAzureConnection(platform).credential).toEqual({
      kind: 'client-secret',
      tenantId: tenant,
      clientId: client,
      clientSecret: 'hunter2-xyz',
    });
    expect(record.masks).toEqual(['hunter2-xyz']);
  });

  it.each([
    [{ 'tenant-id': tenant }, 'subscription-id', /^Input required and not supplied: subscription-id\./],
    [
      { 'subscription-id': 'not-a-guid' },
      'subscription-id',
      /^Input subscription-id is "not-a-guid", which is not valid: use a GUID/,
    ],
    [
      { auth: 'github-oidc', 'subscription-id': subscription, 'client-id': client },
      'tenant-id',
      /^Input required and not supplied: tenant-id\. Sign-in with auth github-oidc needs it/,
    ],
    [
      { auth: 'client-secret', 'subscription-id': subscription, 'tenant-id': tenant, 'client-id': client },
      'client-secret',
      /needs it: set it to the app registration's client secret\.$/,
    ],
    [{ auth: 'password' }, 'auth', /^Input auth is "password", which is not one of the allowed values/],
    [{ 'azure-subscription': 'prod' }, 'azure-subscription', /which GitHub does not have/],
  ])('names the input at fault for %j', (inputs, input, sentence) => {
    const { platform } = createMemoryPlatform({ inputs });
    const error = failure(() => readAzureConnection(platform));
    expect(error.input).toBe(input);
    expect(error.message).toMatch(sentence);
  });

  it('says when the pipeline was not given the named service connection', () => {
    const { platform } = createMemoryPlatform({
      platform: 'azure-devops',
      inputs: { 'azure-subscription': 'missing' },
    });
    expect(failure(() => readAzureConnection(platform))).toEqual({
      input: 'azure-subscription',
      message:
        'Input azure-subscription names the service connection "missing", which this job was not given: authorise the pipeline to use it, or fix the name.',
    });
  });
});

describe('readAzureConnection guidance', () => {
  it('auth azure-devops on a GitHub runner says it needs an Azure DevOps pipeline, not a client secret', () => {
    const { platform } = createMemoryPlatform({
      inputs: { auth: 'azure-devops', 'subscription-id': subscription },
    });
    const { input, message } = failure(() => readAzureConnection(platform));
    expect(input).toBe('auth');
    expect(message).toMatch(/^Input auth is "azure-devops", which .* works only in an Azure DevOps pipeline/);
    expect(message).not.toMatch(/secret/i);
  });

  it('auth azure-devops on the agent without a connection asks for the service connection', () => {
    const { platform } = createMemoryPlatform({
      platform: 'azure-devops',
      inputs: { auth: 'azure-devops', 'subscription-id': subscription },
    });
    const { input, message } = failure(() => readAzureConnection(platform));
    expect(input).toBe('azure-subscription');
    expect(message).toContain('Azure Resource Manager service connection');
    expect(message).not.toMatch(/secret/i);
  });

  it.each([
    ['ftp://arm.local', /not an https URL/],
    ['https://user:pw@arm.local', /user name, a query, a fragment/],
    ['https://arm.local/?api-version=1', /user name, a query, a fragment/],
    [`AzureCloud${'x'.repeat(150_000)}`, /\(150010 characters\)/],
  ])('refuses the cloud %j while reading the inputs, before any call', (cloud, problem) => {
    const { platform } = createMemoryPlatform({ inputs: { cloud, 'subscription-id': subscription } });
    const { input, message } = failure(() => readAzureConnection(platform));
    expect(input).toBe('cloud');
    expect(message).toMatch(problem);
    expect(message.length).toBeLessThan(600);
  });
});

describe('openAzure', () => {
  it('builds each client once per subscription, signed in the same way, on first use', async () => {
    const other = '0f0f0f0f-1111-2222-3333-444444444444';
    const { platform } = createMemoryPlatform();
    const azure = await openAzure(platform, {
      cloud: 'AzureCloud',
      subscriptionId: subscription,
      credential: { kind: 'client-secret', tenantId: tenant, clientId: client, clientSecret: 'not-used' },
    });
    const network = azure.client(networkClient);
    expect(network.subscriptionId).toBe(subscription);
    expect(azure.client(networkClient, subscription.toUpperCase())).toBe(network);
    const elsewhere = azure.client(networkClient, other);
    expect(elsewhere).not.toBe(network);
    expect(azure.client(networkClient, other.toUpperCase())).toBe(elsewhere);
    for (const sdk of [
      elsewhere,
      azure.client(privateDnsClient, other),
      azure.client(resourcesClient, other),
    ])
      expect(sdk.subscriptionId).toBe(other);
    expect(azure.client(privateDnsClient)).not.toBe(azure.client(privateDnsClient, other));
  });
});
