/** What the metadata document describes. */
export interface CloudEndpoints {
  name: string;
  resourceManager: string;
  authorityHost: string;
  audience: string;
}

/**
 * The body of `GET /metadata/endpoints?api-version=2015-01-01`: the single-cloud object Azure Stack Hub answers and
 * that `az cloud register --endpoint-resource-manager` (and Azure DevOps' AzureRM endpoint, Azure Stack scripts)
 * read. Its sign-in is an AD FS stamp's: `loginEndpoint` ends in `/adfs`, which tells azure-cli (and MSAL) to sign in
 * at that authority with the tenant `adfs` and no instance discovery, as the authority serves it at `/adfs/…`.
 */
export function legacyMetadataEndpoints(endpoints: CloudEndpoints): object {
  return {
    galleryEndpoint: endpoints.resourceManager,
    graphEndpoint: 'https://graph.microsoft.com/',
    portalEndpoint: endpoints.resourceManager,
    authentication: {
      loginEndpoint: `${endpoints.authorityHost}/adfs`,
      audiences: [endpoints.audience, endpoints.resourceManager],
    },
  };
}

/**
 * The body of `GET /metadata/endpoints?api-version=2022-09-01`: a list of cloud definitions in the shape Azure
 * answers (what the SDKs and the actions' `cloud` input read). Its sign-in is Entra's, per tenant: these clients sign
 * in with a tenant id and with federated credentials (GitHub, Azure DevOps), which an AD FS authority does not take.
 */
export function metadataEndpoints(endpoints: CloudEndpoints): object[] {
  const rm = endpoints.resourceManager;
  return [
    {
      portal: rm,
      authentication: {
        loginEndpoint: endpoints.authorityHost,
        audiences: [endpoints.audience, rm],
        tenant: 'common',
        identityProvider: 'AAD',
      },
      media: rm,
      graphAudience: 'https://graph.microsoft.com/',
      graph: 'https://graph.microsoft.com/',
      name: endpoints.name,
      suffixes: {
        acrLoginServer: 'azurecr.local-cloud.azpn',
        keyVaultDns: 'vault.local-cloud.azpn',
        storage: 'core.local-cloud.azpn',
        sqlServerHostname: 'database.local-cloud.azpn',
        mhsmDns: 'managedhsm.local-cloud.azpn',
      },
      batch: rm,
      gallery: rm,
      resourceManager: rm,
      vmImageAliasDoc: `${rm}metadata/vm-image-aliases`,
      activeDirectoryDataLake: rm,
      sqlManagement: rm,
      microsoftGraphResourceId: 'https://graph.microsoft.com/',
      appInsightsResourceId: rm,
      appInsightsTelemetryChannelResourceId: rm,
      attestationResourceId: rm,
      synapseAnalyticsResourceId: rm,
      logAnalyticsResourceId: rm,
      ossrdbmsResourceId: rm,
    },
  ];
}
