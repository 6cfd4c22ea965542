import { randomUUID } from 'node:crypto';
import type { Scenario } from '../scenario/types.js';
import { parseScenario } from '../scenario/parse-scenario.js';
import { CallLog } from './control/call-log.js';
import { CloudClock } from './control/clock.js';
import { FaultInjector } from './control/fault-injector.js';
import { RequestThrottle } from './control/throttle.js';
import { ResourceStore } from './arm/resource-store.js';
import { EntraAuthority } from './identity/entra-authority.js';
import { GitHubIssuer, gitHubSubject, type GitHubJob } from './identity/github-issuer.js';
import { AzureDevOpsIssuer } from './identity/azure-devops-issuer.js';
import type { SigningKey } from './identity/signing-key.js';
import type { ArmPipelineContext } from './arm/arm-pipeline.js';
import type { ArmProvider } from './arm/arm-provider.js';
import type { AdminContext } from './control/admin-routes.js';
import type { CloudPlugin, MountContext } from './cloud-plugin.js';

/** The audience ARM tokens are issued for; independent of the port so tokens and configs stay stable. */
export const armAudience = 'https://management.local-cloud.azpn/';

/** Signing keys of the three issuers. */
export interface IssuerKeys {
  entra: SigningKey;
  github: SigningKey;
  azureDevOps: SigningKey;
}

/** The whole in-memory cloud once its base URL is known: directory, issuers, store and control knobs. */
export class CloudRuntime {
  readonly clock = new CloudClock();
  readonly calls = new CallLog();
  readonly store = new ResourceStore();
  readonly faults: FaultInjector;
  readonly throttle: RequestThrottle;
  readonly latencies: Scenario['latencies'];
  readonly authority: EntraAuthority;
  readonly github: GitHubIssuer;
  readonly azureDevOps: AzureDevOpsIssuer;
  readonly githubJobs: GitHubJob[];
  readonly adminToken = randomUUID();
  readonly resourceManager: string;
  readonly authorityHost: string;

  constructor(
    readonly baseUrl: string,
    readonly scenario: Scenario,
    keys: IssuerKeys,
    readonly plugins: readonly CloudPlugin[],
  ) {
    const now = () => this.clock.now();
    this.resourceManager = `${baseUrl}/`;
    this.authorityHost = baseUrl;
    this.faults = new FaultInjector(scenario.faults);
    this.throttle = new RequestThrottle(scenario.throttle);
    this.latencies = { ...scenario.latencies };
    this.github = new GitHubIssuer(`${baseUrl}/github-actions`, keys.github, now);
    this.githubJobs = scenario.github.jobs.map((job) => this.github.addJob(job));
    this.azureDevOps = new AzureDevOpsIssuer(baseUrl, scenario.azureDevOps, keys.azureDevOps, now);
    this.authority = new EntraAuthority({
      authorityHost: this.authorityHost,
      scenario,
      key: keys.entra,
      resources: [armAudience, this.resourceManager, 'https://graph.microsoft.com/'],
      trustedIssuers: () => [
        { url: this.github.issuerUrl, publicKey: keys.github.publicKey },
        { url: this.azureDevOps.issuerUrl, publicKey: keys.azureDevOps.publicKey },
      ],
      resolveIssuer: (issuer) => this.resolveIssuer(issuer),
      now,
    });
    this.entraPublicKey = keys.entra.publicKey;
    this.providers = plugins.flatMap((p) => (p.arm === undefined ? [] : [p.arm]));
  }

  private readonly entraPublicKey: SigningKey['publicKey'];
  private readonly providers: ArmProvider[];

  /** `github` and `azure-devops` name the local issuers; anything else is a literal issuer URL. */
  resolveIssuer(issuer: string): string {
    if (issuer === 'github') return this.github.issuerUrl;
    if (issuer === 'azure-devops') return this.azureDevOps.issuerUrl;
    return issuer;
  }

  /** The context of the ARM pipeline (and of the plug-ins' own HTTP mounts). */
  armContext(): ArmPipelineContext {
    return {
      providers: this.providers,
      store: this.store,
      scenario: this.scenario,
      resourceManager: this.resourceManager,
      latencies: this.latencies,
      faults: this.faults,
      throttle: this.throttle,
      now: () => this.clock.now(),
      bearer: () => ({
        publicKey: this.entraPublicKey,
        audiences: [armAudience, this.resourceManager],
        authorityHost: this.authorityHost,
        issuerOf: (tenantId: string) => this.authority.tokenIssuer(tenantId),
      }),
    };
  }

  /** The context of the plug-ins' HTTP mounts, admin routes and descriptions. */
  mountContext(): MountContext {
    const ado = this.azureDevOps;
    return {
      ...this.armContext(),
      baseUrl: this.baseUrl,
      azureDevOps: {
        organization: this.scenario.azureDevOps.organization,
        organizationId: ado.organizationId,
        project: this.scenario.azureDevOps.project,
        projectId: ado.projectId,
        systemAccessToken: ado.systemAccessToken,
      },
    };
  }

  /** The context of the admin API. */
  adminContext(): AdminContext {
    return {
      token: this.adminToken,
      calls: this.calls,
      faults: this.faults,
      throttle: this.throttle,
      clock: this.clock,
      latencies: this.latencies,
      arm: () => this.armContext(),
      mount: () => this.mountContext(),
      plugins: this.plugins,
      addGitHubJob: async (spec) => {
        const [parsed] = parseScenario({
          tenants: [{ id: '00000000-0000-0000-0000-000000000000' }],
          github: { jobs: [spec] },
        }).github.jobs;
        const job = this.github.addJob(parsed!);
        this.githubJobs.push(job);
        return {
          name: job.name,
          subject: gitHubSubject(job),
          requestUrl: this.github.requestUrl(job),
          requestToken: job.requestToken,
        };
      },
    };
  }
}
