import { quoteValue } from '@azpn/core';

/**
 * Every sentence this package shows a user, as functions, so the Azure DevOps side can localise them and
 * tests can name them. Each says what is wrong and what to do.
 */
export const azureMessages = {
  cloudEmpty: () =>
    'Input cloud is empty: use AzureCloud, AzureUSGovernment, AzureChinaCloud or the https URL of a resource manager.',
  cloudUnknown: (value: string) =>
    `Input cloud is ${quoteValue(value)}, which is neither a known cloud nor a URL: use AzureCloud, AzureUSGovernment, AzureChinaCloud or the https URL of a resource manager.`,
  cloudNotHttps: (value: string) =>
    `Input cloud is ${quoteValue(value)}, which is not an https URL: a resource manager is only reachable over https, so give its https:// address.`,
  cloudUrlExtras: (value: string) =>
    `Input cloud is ${quoteValue(value)}, which has a user name, a query, a fragment or a space: give only the https:// address of the resource manager, such as https://management.local.azurestack.external.`,
  cloudUnreachable: (url: string, detail: string) =>
    `Input cloud points at ${url}, but its metadata could not be fetched (${detail}): check the address and that the runner can reach it.`,
  cloudUntrusted: (url: string, code: string) =>
    `Input cloud points at ${url}, whose TLS certificate this runner does not trust (${code}): make the runner trust the cloud's CA (NODE_EXTRA_CA_CERTS) and re-run.`,
  cloudMetadataStatus: (url: string, status: number) =>
    `Input cloud points at ${url}, but its metadata endpoint answered HTTP ${status}: give the URL of a resource manager that serves /metadata/endpoints.`,
  cloudMetadataNotJson: (url: string) =>
    `Input cloud points at ${url}, but its metadata endpoint did not answer JSON: give the URL of a resource manager, not of a portal or a login page.`,
  cloudMetadataMissing: (url: string, field: string) =>
    `Input cloud points at ${url}, but its metadata has no ${field}: the cloud's operator must publish it, or give a different resource manager URL.`,
  githubTokenUnavailable: () =>
    'GitHub offered no ID token to this job: add `permissions: id-token: write` to the job (or the workflow) so it can sign in with OpenID Connect.',
  azureDevOpsTokenUnavailable: () =>
    'The Azure DevOps agent offered no System.AccessToken or System.OidcRequestUri: run this task in a pipeline job with an Azure Resource Manager service connection that uses workload identity federation.',
  azureDevOpsOidcFailed: (status: number, detail: string) =>
    `Azure DevOps refused to issue an OIDC token for the service connection (HTTP ${status}${detail ? `: ${detail}` : ''}): check that the pipeline is authorised to use the service connection and that it uses workload identity federation.`,
  serviceConnectionFieldMissing: (input: string, field: string) =>
    `The service connection named by input ${input} has no ${field}: edit it to use workload identity federation with an app registration, or name another connection.`,
  noCredentialAvailable: (tried: readonly string[]) =>
    `No way to sign in was found (tried ${tried.join(', ')}): give the job id-token permission with client-id and tenant-id, use an Azure DevOps service connection, or run azure/login first.`,
  authorityUnreachable: (authorityHost: string) =>
    `The sign-in authority ${authorityHost} could not be reached or did not publish its OpenID configuration: check the cloud input and the runner's network and proxy.`,
  endpointUntrusted: (host: string, code: string) =>
    `The TLS certificate of ${host} is not trusted (${code}): make the runner trust the cloud's CA (NODE_EXTRA_CA_CERTS) or check for an intercepting proxy.`,
  endpointUnreachable: (host: string, code: string) =>
    `Could not reach ${host} (${code}): check the cloud input and the runner's network, proxy and DNS.`,
  connectionFieldRequired: (input: string, auth: string) =>
    `Input required and not supplied: ${input}. Sign-in with auth ${auth} needs it: set it to the app registration's ${input === 'tenant-id' ? 'directory (tenant) id' : input === 'client-id' ? 'application (client) id' : 'client secret'}.`,
  subscriptionRequired: () =>
    'Input required and not supplied: subscription-id. Set it to the id of the subscription to work in (or name an Azure DevOps service connection that carries one).',
  serviceConnectionNotFound: (name: string) =>
    `Input azure-subscription names the service connection ${quoteValue(name)}, which this job was not given: authorise the pipeline to use it, or fix the name.`,
  serviceConnectionRequired: () =>
    'Input required and not supplied: azure-subscription. Sign-in with auth azure-devops needs it: set it to the name or id of an Azure Resource Manager service connection that uses workload identity federation.',
  azureDevOpsAuthOnGitHub: () =>
    'Input auth is "azure-devops", which signs in through an Azure DevOps service connection and works only in an Azure DevOps pipeline: on GitHub use auth github-oidc (or auto) with client-id, tenant-id and subscription-id, and give the job id-token: write.',
  serviceConnectionOnGitHub: () =>
    'Input azure-subscription names an Azure DevOps service connection, which GitHub does not have: remove it and use client-id, tenant-id and subscription-id.',
} as const;
