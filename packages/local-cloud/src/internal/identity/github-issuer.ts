import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { GitHubJobSpec } from '../../scenario/types.js';
import { json, type Exchange, type Reply } from '../http/exchange.js';
import type { SigningKey } from './signing-key.js';

/** A GitHub job the issuer mints tokens for, reached with its own request token. */
export interface GitHubJob extends GitHubJobSpec {
  requestToken: string;
  planId: string;
  jobId: string;
  runId: number;
}

/** The `sub` claim GitHub puts in a job's OIDC token. */
export function gitHubSubject(job: GitHubJobSpec): string {
  if (job.environment !== undefined) return `repo:${job.repository}:environment:${job.environment}`;
  if (job.event === 'pull_request') return `repo:${job.repository}:pull_request`;
  return `repo:${job.repository}:ref:${job.ref}`;
}

/** The local GitHub Actions OIDC issuer: discovery, JWKS, and the runner's ID-token request endpoint. */
export class GitHubIssuer {
  private jobs = new Map<string, GitHubJob>();
  private nextRunId = 1000;

  constructor(
    readonly issuerUrl: string,
    private readonly key: SigningKey,
    private readonly now: () => number,
  ) {}

  /** Registers a job and answers it with its request token. */
  addJob(spec: GitHubJobSpec): GitHubJob {
    const job = {
      ...spec,
      requestToken: randomUUID(),
      planId: randomUUID(),
      jobId: randomUUID(),
      runId: this.nextRunId++,
    };
    this.jobs.set(job.jobId, job);
    return job;
  }

  /** The URL a runner gives the job as `ACTIONS_ID_TOKEN_REQUEST_URL`. */
  requestUrl(job: GitHubJob): string {
    return `${this.issuerUrl}/_apis/distributedtask/hubs/Actions/plans/${job.planId}/jobs/${job.jobId}/idtoken?api-version=2.0`;
  }

  /** Answers a request under the issuer's path, or undefined when the path is not the issuer's. */
  async handle(exchange: Exchange, subPath: string): Promise<Reply | undefined> {
    if (subPath === '/.well-known/openid-configuration') return json(200, this.discovery());
    if (subPath === '/.well-known/jwks') return json(200, { keys: [this.key.jwk] });
    const match = /^\/_apis\/distributedtask\/hubs\/Actions\/plans\/[^/]+\/jobs\/([^/]+)\/idtoken$/.exec(
      subPath,
    );
    if (match === null) return undefined;
    const job = this.jobs.get(match[1] ?? '');
    const presented = /^Bearer (.+)$/i.exec(String(exchange.headers.authorization ?? ''))?.[1];
    if (job === undefined || presented !== job.requestToken) {
      return json(401, {
        message:
          'The request token is not valid for this job; use the ACTIONS_ID_TOKEN_REQUEST_TOKEN the job was given.',
      });
    }
    const audience = exchange.query.get('audience') ?? `https://github.com/${job.repository.split('/')[0]}`;
    return json(200, { count: 1, value: await this.mint(job, audience) });
  }

  private discovery(): object {
    return {
      issuer: this.issuerUrl,
      jwks_uri: `${this.issuerUrl}/.well-known/jwks`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      claims_supported: [
        'sub',
        'aud',
        'exp',
        'iat',
        'iss',
        'jti',
        'nbf',
        'ref',
        'repository',
        'environment',
        'event_name',
      ],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'repo', 'repository_owner', 'repository_owner_id'],
    };
  }

  private async mint(job: GitHubJob, audience: string): Promise<string> {
    const [owner] = job.repository.split('/');
    const nowSeconds = Math.floor(this.now() / 1000);
    return new SignJWT({
      ref: job.ref,
      ref_type: job.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      repository: job.repository,
      repository_owner: owner,
      event_name: job.event,
      run_id: String(job.runId),
      run_attempt: '1',
      workflow: 'deploy',
      job_workflow_ref: `${job.repository}/.github/workflows/deploy.yml@${job.ref}`,
      ...(job.environment === undefined ? {} : { environment: job.environment }),
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.key.kid, typ: 'JWT' })
      .setIssuer(this.issuerUrl)
      .setSubject(gitHubSubject(job))
      .setAudience(audience)
      .setJti(randomUUID())
      .setIssuedAt(nowSeconds)
      .setNotBefore(nowSeconds - 5)
      .setExpirationTime(nowSeconds + 300)
      .sign(this.key.privateKey);
  }
}
