import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { AzureDevOpsSpec } from '../../scenario/types.js';
import { json, type Exchange, type Reply } from '../http/exchange.js';
import type { SigningKey } from './signing-key.js';

/**
 * The local Azure DevOps OIDC endpoint: what `AzurePipelinesCredential` POSTs to
 * (`SYSTEM_OIDCREQUESTURI?api-version=7.1&serviceConnectionId=…` with the pipeline's System.AccessToken),
 * answering `{ oidcToken }` with subject `sc://org/project/connection`.
 */
export class AzureDevOpsIssuer {
  readonly organizationId = randomUUID();
  readonly projectId = randomUUID();
  /** The pipeline's System.AccessToken. */
  readonly systemAccessToken = randomUUID();
  private readonly planId = randomUUID();
  private readonly jobId = randomUUID();

  constructor(
    private readonly baseUrl: string,
    private readonly spec: AzureDevOpsSpec,
    private readonly key: SigningKey,
    private readonly now: () => number,
  ) {}

  /** The issuer of the tokens: one per organisation, as vstoken.dev.azure.com/{organizationId}. */
  get issuerUrl(): string {
    return `${this.baseUrl}/azure-devops/vstoken/${this.organizationId}`;
  }

  /** The value a pipeline agent sets as `SYSTEM_OIDCREQUESTURI`. */
  get oidcRequestUri(): string {
    return `${this.baseUrl}/azure-devops/${this.spec.organization}/${this.projectId}/_apis/distributedtask/hubs/build/plans/${this.planId}/jobs/${this.jobId}/oidctoken`;
  }

  /** Answers a request under `/azure-devops`, or undefined when the path is not this endpoint's. */
  async handle(exchange: Exchange, subPath: string): Promise<Reply | undefined> {
    const issuerPath = `/vstoken/${this.organizationId}`;
    if (subPath === `${issuerPath}/.well-known/openid-configuration`) {
      return json(200, {
        issuer: this.issuerUrl,
        jwks_uri: `${this.issuerUrl}/.well-known/jwks`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (subPath === `${issuerPath}/.well-known/jwks`) return json(200, { keys: [this.key.jwk] });
    if (`${this.baseUrl}/azure-devops${subPath}` !== this.oidcRequestUri) return undefined;
    if (exchange.method !== 'POST') return adoError(405, 'The OIDC token endpoint accepts POST only.');
    if (!exchange.query.get('api-version'))
      return adoError(400, 'No api-version was supplied for the POST request.');
    const presented = /^Bearer (.+)$/i.exec(String(exchange.headers.authorization ?? ''))?.[1];
    if (presented !== this.systemAccessToken)
      return adoError(401, 'TF400813: The user is not authorized to access this resource.');
    const connectionId = exchange.query.get('serviceConnectionId') ?? '';
    const connection = this.spec.serviceConnections.find((c) => c.id === connectionId.toLowerCase());
    if (connection === undefined) {
      return adoError(
        400,
        `Service connection ${connectionId || '(none)'} was not found; pass the id of a connection the scenario declares.`,
      );
    }
    return json(200, { oidcToken: await this.mint(connection) });
  }

  private async mint(connection: { id: string; name: string }): Promise<string> {
    const nowSeconds = Math.floor(this.now() / 1000);
    return new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: this.key.kid, typ: 'JWT' })
      .setIssuer(this.issuerUrl)
      .setSubject(`sc://${this.spec.organization}/${this.spec.project}/${connection.name}`)
      .setAudience('api://AzureADTokenExchange')
      .setIssuedAt(nowSeconds)
      .setNotBefore(nowSeconds)
      .setExpirationTime(nowSeconds + 600)
      .sign(this.key.privateKey);
  }
}

function adoError(status: number, message: string): Reply {
  return json(status, {
    $id: '1',
    innerException: null,
    message,
    typeName: 'Microsoft.VisualStudio.Services.WebApi.VssServiceException',
    typeKey: 'VssServiceException',
    errorCode: 0,
    eventId: 3000,
  });
}
