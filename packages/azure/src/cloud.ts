import { createDefaultHttpClient, createPipelineRequest } from '@azure/core-rest-pipeline';
import { InputError } from '@azpn/core';
import { findErrorCode, untrustedCertificateCodes } from './internal/network-codes.js';
import { azureMessages } from './messages.js';

/** DNS suffixes of a cloud's data-plane services, as its metadata document names them. */
export interface CloudSuffixes {
  storage?: string;
  keyVaultDns?: string;
  acrLoginServer?: string;
  sqlServerHostname?: string;
}

/**
 * Everything the suite needs to know about the cloud it talks to. The well-known clouds are constants;
 * any other cloud (Azure Stack Hub, the local cloud) is described by its resource manager's metadata.
 */
export interface CloudDefinition {
  /** `AzureCloud`, `AzureUSGovernment`, `AzureChinaCloud`, or the name the metadata gives. */
  name: string;
  /** Resource manager base URL without a trailing slash, e.g. `https://management.azure.com`. */
  resourceManager: string;
  /** Entra ID (or AD FS) authority host without a trailing slash, e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  /** The token audience for the resource manager; the credential scope is `${audience}/.default`. */
  audience: string;
  suffixes: CloudSuffixes;
  /** True when the cloud came from a metadata document: MSAL must then skip instance discovery. */
  custom: boolean;
  /** Extra PEM CA certificates its endpoints chain to, when the caller supplied them. */
  ca?: string;
}

/** The names of the clouds the suite knows without asking anyone. */
export type WellKnownCloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

// Facts from Microsoft's published endpoints for each national cloud (az cloud show, azure-identity's AzureAuthorityHosts).
/** The public and national clouds. */
export const wellKnownClouds: Readonly<Record<WellKnownCloudName, CloudDefinition>> = {
  AzureCloud: {
    name: 'AzureCloud',
    resourceManager: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
    audience: 'https://management.azure.com',
    suffixes: {
      storage: 'core.windows.net',
      keyVaultDns: 'vault.azure.net',
      acrLoginServer: 'azurecr.io',
      sqlServerHostname: 'database.windows.net',
    },
    custom: false,
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    resourceManager: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
    audience: 'https://management.usgovcloudapi.net',
    suffixes: {
      storage: 'core.usgovcloudapi.net',
      keyVaultDns: 'vault.usgovcloudapi.net',
      acrLoginServer: 'azurecr.us',
      sqlServerHostname: 'database.usgovcloudapi.net',
    },
    custom: false,
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    resourceManager: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
    audience: 'https://management.chinacloudapi.cn',
    suffixes: {
      storage: 'core.chinacloudapi.cn',
      keyVaultDns: 'vault.azure.cn',
      acrLoginServer: 'azurecr.cn',
      sqlServerHostname: 'database.chinacloudapi.cn',
    },
    custom: false,
  },
};

/** The `api-version` of the metadata document; the one `az cloud register` and Terraform read. */
export const metadataApiVersion = '2022-09-01';

/** Options for {@link resolveCloud}. */
export interface ResolveCloudOptions {
  /** Extra PEM CA certificates to trust for the metadata request and, through the result, every later call. */
  ca?: string;
}

/** The credential scope that asks for a resource manager token in `cloud`. */
export function resourceManagerScope(cloud: CloudDefinition): string {
  return `${cloud.audience}/.default`;
}

/**
 * Turns the `cloud` input into a {@link CloudDefinition}: a well-known name (case-insensitive), or the https
 * URL of a resource manager whose `/metadata/endpoints` document describes the cloud (as Azure Stack Hub does).
 * Throws an {@link InputError} naming `cloud` when the value or the document is unusable.
 */
export async function resolveCloud(
  nameOrUrl: string,
  options: ResolveCloudOptions = {},
): Promise<CloudDefinition> {
  const checked = checkCloudInput(nameOrUrl);
  if ('known' in checked) return options.ca ? { ...checked.known, ca: options.ca } : checked.known;
  const document = await fetchMetadata(checked.base, options.ca);
  return cloudFromMetadata(checked.base, document, options.ca);
}

/**
 * Checks the `cloud` input without any network call: a well-known cloud, or the https URL of a resource manager
 * (no user name, query or fragment, which would end up in every request). Throws an {@link InputError} naming
 * `cloud`; {@link resolveCloud} then fetches a URL's metadata.
 */
export function checkCloudInput(nameOrUrl: string): { known: CloudDefinition } | { base: string } {
  const value = nameOrUrl.trim();
  if (value === '') throw new InputError('cloud', azureMessages.cloudEmpty());
  const known = Object.values(wellKnownClouds).find((c) => c.name.toLowerCase() === value.toLowerCase());
  if (known) return { known };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError('cloud', azureMessages.cloudUnknown(value));
  }
  if (url.protocol !== 'https:') throw new InputError('cloud', azureMessages.cloudNotHttps(value));
  if (url.username || url.password || url.search || url.hash || /\s/.test(value))
    throw new InputError('cloud', azureMessages.cloudUrlExtras(value));
  return { base: trimSlash(url.origin + url.pathname) };
}

async function fetchMetadata(base: string, ca: string | undefined): Promise<unknown> {
  const request = createPipelineRequest({
    url: `${base}/metadata/endpoints?api-version=${metadataApiVersion}`,
    // An unref'd timer: the SDK's own `timeout` is left pending when the connection fails, delaying exit.
    abortSignal: AbortSignal.timeout(30_000),
  });
  // createPipelineRequest does not copy tlsSettings from its options.
  if (ca) request.tlsSettings = { ca };
  let status: number;
  let text: string | undefined;
  try {
    const response = await createDefaultHttpClient().sendRequest(request);
    status = response.status;
    text = response.bodyAsText ?? undefined;
  } catch (error) {
    const untrusted = findErrorCode(error, untrustedCertificateCodes);
    if (untrusted) throw new InputError('cloud', azureMessages.cloudUntrusted(base, untrusted));
    throw new InputError('cloud', azureMessages.cloudUnreachable(base, networkDetail(error)));
  }
  if (status !== 200) throw new InputError('cloud', azureMessages.cloudMetadataStatus(base, status));
  try {
    return JSON.parse((text ?? '').replace(/^\uFEFF/, ''));
  } catch {
    throw new InputError('cloud', azureMessages.cloudMetadataNotJson(base));
  }
}

interface MetadataDocument {
  name?: unknown;
  resourceManager?: unknown;
  authentication?: { loginEndpoint?: unknown; audiences?: unknown };
  suffixes?: Record<string, unknown>;
}

/**
 * Builds a definition from a metadata document. The 2022-09-01 document is one object; some servers answer
 * a list of clouds, so a list is searched for the entry whose resource manager is the one asked.
 */
function cloudFromMetadata(base: string, document: unknown, ca: string | undefined): CloudDefinition {
  const entry = pickEntry(base, document);
  const login = entry.authentication?.loginEndpoint;
  if (typeof login !== 'string' || !isHttpsUrl(login)) {
    throw new InputError('cloud', azureMessages.cloudMetadataMissing(base, 'authentication.loginEndpoint'));
  }
  const audiences = entry.authentication?.audiences;
  const audience = Array.isArray(audiences)
    ? audiences.find((a) => typeof a === 'string' && a !== '')
    : undefined;
  if (typeof audience !== 'string') {
    throw new InputError('cloud', azureMessages.cloudMetadataMissing(base, 'authentication.audiences'));
  }
  const suffixes = entry.suffixes ?? {};
  const suffix = (key: string) => (typeof suffixes[key] === 'string' ? (suffixes[key] as string) : undefined);
  return {
    name: typeof entry.name === 'string' && entry.name !== '' ? entry.name : base,
    // Requests go where the user pointed: the document may name a public alias the runner cannot reach.
    resourceManager: base,
    authorityHost: trimSlash(login),
    audience: trimSlash(audience),
    suffixes: dropUndefined({
      storage: suffix('storage'),
      keyVaultDns: suffix('keyVaultDns'),
      acrLoginServer: suffix('acrLoginServer'),
      sqlServerHostname: suffix('sqlServerHostname')?.replace(/^\./, ''),
    }),
    custom: true,
    ...(ca ? { ca } : {}),
  };
}

function pickEntry(base: string, document: unknown): MetadataDocument {
  const entries = (Array.isArray(document) ? document : [document]).filter(
    (e): e is MetadataDocument => typeof e === 'object' && e !== null,
  );
  if (entries.length === 0) throw new InputError('cloud', azureMessages.cloudMetadataNotJson(base));
  const matching = entries.find(
    (e) => typeof e.resourceManager === 'string' && trimSlash(e.resourceManager) === base,
  );
  return matching ?? (entries[0] as MetadataDocument);
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function networkDetail(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
