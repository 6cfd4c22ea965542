import { input, InputError, parseInputs, type Platform } from '@azpn/core';
import { createArmConnection, type ArmConnection } from './clients.js';
import { checkCloudInput, resolveCloud, type CloudDefinition } from './cloud.js';
import type { AutomaticCredentialKind, CredentialConfig, SelectedCredential } from './credentials.js';
import { createCredential, credentialConfigFromServiceConnection } from './credentials.js';
import { azureMessages } from './messages.js';

const guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const guidRule = 'use a GUID such as 00000000-0000-0000-0000-000000000000';
const authKinds = ['auto', 'github-oidc', 'azure-devops', 'azure-cli', 'client-secret'] as const;

/**
 * The inputs every Azure-facing action declares, under the same names on both platforms
 * (`azure-subscription` is Azure DevOps' service connection; `client-secret` is for local runs and tests).
 */
export const azureConnectionInputs = {
  cloud: input.optionalString('cloud'),
  auth: input.choice('auth', authKinds, { default: 'auto' }),
  tenantId: input.optionalString('tenant-id', { pattern: guid, rule: guidRule }),
  clientId: input.optionalString('client-id', { pattern: guid, rule: guidRule }),
  clientSecret: input.optionalString('client-secret'),
  subscriptionId: input.optionalString('subscription-id', { pattern: guid, rule: guidRule }),
  serviceConnection: input.optionalString('azure-subscription'),
};

/** Where an action works and how it signs in, parsed once from {@link azureConnectionInputs}. */
export interface AzureConnection {
  /** The `cloud` input: a well-known cloud name or a resource manager URL (`AzureCloud` when absent). */
  cloud: string;
  credential: CredentialConfig;
  subscriptionId: string;
}

function required(value: string | undefined, name: string, auth: string): string {
  if (!value) throw new InputError(name, azureMessages.connectionFieldRequired(name, auth));
  return value;
}

function credentialFor(
  raw: ReturnType<typeof parseConnectionInputs>,
  platform: Platform,
): { credential: CredentialConfig; subscriptionId?: string } {
  if (raw.auth === 'azure-devops' && platform.context.platform !== 'azure-devops')
    throw new InputError('auth', azureMessages.azureDevOpsAuthOnGitHub());
  if (raw.serviceConnection && (raw.auth === 'auto' || raw.auth === 'azure-devops')) {
    if (platform.context.platform !== 'azure-devops') {
      throw new InputError('azure-subscription', azureMessages.serviceConnectionOnGitHub());
    }
    const connection = platform.serviceConnection('azure-subscription');
    if (!connection)
      throw new InputError(
        'azure-subscription',
        azureMessages.serviceConnectionNotFound(raw.serviceConnection),
      );
    return {
      credential: credentialConfigFromServiceConnection(connection, 'azure-subscription'),
      subscriptionId: connection.data['subscriptionid'],
    };
  }
  switch (raw.auth) {
    case 'github-oidc':
      return {
        credential: {
          kind: 'github-oidc',
          tenantId: required(raw.tenantId, 'tenant-id', raw.auth),
          clientId: required(raw.clientId, 'client-id', raw.auth),
        },
      };
    case 'azure-devops':
      if (platform.context.platform !== 'azure-devops')
        throw new InputError('auth', azureMessages.azureDevOpsAuthOnGitHub());
      throw new InputError('azure-subscription', azureMessages.serviceConnectionRequired());
    case 'azure-cli':
      return {
        credential: raw.tenantId ? { kind: 'azure-cli', tenantId: raw.tenantId } : { kind: 'azure-cli' },
      };
    case 'client-secret':
      return {
        credential: {
          kind: 'client-secret',
          tenantId: required(raw.tenantId, 'tenant-id', raw.auth),
          clientId: required(raw.clientId, 'client-id', raw.auth),
          clientSecret: required(raw.clientSecret, 'client-secret', raw.auth),
        },
      };
    case 'auto': {
      const order: AutomaticCredentialKind[] = ['github-oidc', 'azure-cli'];
      return { credential: { kind: 'auto', tenantId: raw.tenantId, clientId: raw.clientId, order } };
    }
  }
}

function parseConnectionInputs(platform: Platform) {
  return parseInputs(platform.inputs, azureConnectionInputs);
}

/**
 * Reads the connection inputs into an {@link AzureConnection}, before any Azure call: a missing or malformed
 * value fails naming its input. A client secret is masked as soon as it is read.
 */
export function readAzureConnection(platform: Platform): AzureConnection {
  const raw = parseConnectionInputs(platform);
  if (raw.cloud !== undefined) checkCloudInput(raw.cloud);
  if (raw.clientSecret) platform.secrets.mask(raw.clientSecret);
  const { credential, subscriptionId } = credentialFor(raw, platform);
  const subscription = raw.subscriptionId ?? subscriptionId;
  if (!subscription) throw new InputError('subscription-id', azureMessages.subscriptionRequired());
  return { cloud: raw.cloud ?? 'AzureCloud', credential, subscriptionId: subscription };
}

/**
 * An open connection: the resolved cloud, the way it signs in, and its clients, each built on first use by the
 * factory that `@azpn/azure/clients/…` exports (`azure.client(deploymentsClient)`, or with a subscription id
 * for a resource another subscription holds).
 */
export interface OpenAzure extends ArmConnection {
  cloud: CloudDefinition;
  credentialKind: SelectedCredential['kind'];
}

/**
 * Resolves the cloud, builds the credential for `connection`, and logs which cloud and sign-in were chosen (never
 * a secret). No client is built and no token requested until the first call.
 */
export async function openAzure(platform: Platform, connection: AzureConnection): Promise<OpenAzure> {
  const cloud = await resolveCloud(connection.cloud);
  const { kind, credential } = createCredential(connection.credential, cloud, platform.identity);
  platform.log.info(
    `Azure: cloud ${cloud.name} (${cloud.resourceManager}), sign-in ${kind}, subscription ${connection.subscriptionId}`,
  );
  const arm = createArmConnection(cloud, credential, connection.subscriptionId, { log: platform.log });
  return { ...arm, cloud, credentialKind: kind };
}
