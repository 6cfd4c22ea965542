import type { CloudDescription } from './cloud-description.js';
import type { CallRecord } from './internal/control/call-log.js';
import type { Latencies, ThrottleSpec } from './scenario/types.js';
import { cloudRequest } from './cloud-https.js';

export type { CallRecord } from './internal/control/call-log.js';

/** A fault rule as the admin API takes it: the scenario file's `faults[]` entry. */
export interface FaultRequest {
  method?: string;
  operation?: 'read' | 'write' | 'longRunning' | 'token';
  pathPattern?: string;
  count?: number;
  status?: 429 | 500 | 502 | 503 | 504;
  retryAfterSeconds?: number;
  reset?: true;
  slowLongRunningMs?: number;
  /** Fails the matching resource a deployment creates with this provider error. */
  failLongRunning?: { code: string; message: string };
}

/** A GitHub job the admin API registers at runtime. */
export interface GitHubJobRequest {
  name: string;
  repository: string;
  ref?: string;
  event?: 'push' | 'pull_request' | 'workflow_dispatch';
  environment?: string;
}

/** A stored record as the admin API answers it: a resource group, a resource or an inline child (a subnet). */
export interface StoredRecord {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  etag?: string;
  properties: Record<string, unknown>;
  [member: string]: unknown;
}

/** The admin path of a resource id, each segment escaped. */
function resourcePath(id: string): string {
  return `/resources${id.split('/').map(encodeURIComponent).join('/')}`;
}

/** A client of a running cloud's admin API, in-process or started by `local-cloud up`. */
export class LocalCloudAdmin {
  constructor(private readonly cloud: Pick<CloudDescription, 'admin' | 'caPem'>) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await cloudRequest(this.cloud.caPem, method, `${this.cloud.admin.endpoint}${path}`, {
      headers: { authorization: `Bearer ${this.cloud.admin.token}` },
      body,
    });
    if (response.status >= 400) {
      const message =
        (response.body as { error?: { message?: string } })?.error?.message ?? `status ${response.status}`;
      throw new Error(`Local cloud admin ${method} ${path} failed: ${message}`);
    }
    return response.body;
  }

  /** Every call the cloud answered (method, path, status, latency, principal). */
  async calls(): Promise<CallRecord[]> {
    return ((await this.call('GET', '/calls')) as { value: CallRecord[] }).value;
  }

  /** Forgets the recorded calls. */
  async clearCalls(): Promise<void> {
    await this.call('DELETE', '/calls');
  }

  /** Injects a fault into the next `count` matching calls; answers the rule's id. */
  async addFault(fault: FaultRequest): Promise<number> {
    return ((await this.call('POST', '/faults', fault)) as { id: number }).id;
  }

  /** The fault rules with the calls each has left. */
  async faults(): Promise<{ id: number; remaining: number }[]> {
    return ((await this.call('GET', '/faults')) as { value: { id: number; remaining: number }[] }).value;
  }

  /** Removes every fault rule. */
  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  /** Replaces the throttle's buckets (missing fields take ARM's defaults). */
  async setThrottle(
    throttle: Partial<{ [K in keyof ThrottleSpec]: Partial<ThrottleSpec[K]> }>,
  ): Promise<void> {
    await this.call('PUT', '/throttle', throttle);
  }

  /** Replaces the latencies (missing fields become 0). */
  async setLatencies(latencies: Partial<Latencies>): Promise<void> {
    await this.call('PUT', '/latencies', latencies);
  }

  /** Moves the cloud's clock forward, e.g. past the expiry of issued tokens. */
  async advanceClock(seconds: number): Promise<void> {
    await this.call('POST', '/clock', { advanceSeconds: seconds });
  }

  /** Registers a GitHub job; answers its subject and OIDC request URL and token. */
  async addGitHubJob(
    job: GitHubJobRequest,
  ): Promise<{ name: string; subject: string; requestUrl: string; requestToken: string }> {
    return (await this.call('POST', '/github/jobs', job)) as {
      name: string;
      subject: string;
      requestUrl: string;
      requestToken: string;
    };
  }

  /** The stored record of a resource, resource group or inline child (a subnet), read out of band. */
  async getResource(id: string): Promise<StoredRecord> {
    return (await this.call('GET', resourcePath(id))) as StoredRecord;
  }

  /**
   * Changes a stored record out of band (drift), with a JSON merge patch: objects merge, `null` removes a member,
   * anything else (arrays included) replaces. No ARM call is made or logged; the etag changes and
   * provisioningState stays Succeeded. Answers the new record.
   */
  async patchResource(id: string, patch: Record<string, unknown>): Promise<StoredRecord> {
    return (await this.call('PATCH', resourcePath(id), patch)) as StoredRecord;
  }

  /** Replaces the body of a stored record out of band (id, name and type stay); answers the new record. */
  async putResource(id: string, body: Record<string, unknown>): Promise<StoredRecord> {
    return (await this.call('PUT', resourcePath(id), body)) as StoredRecord;
  }

  /** Deletes a resource or resource group out of band: its provider's delete, finished at once, unlogged. */
  async deleteResource(id: string): Promise<void> {
    await this.call('DELETE', resourcePath(id));
  }

  /** The names of the plug-ins (resource providers and API stand-ins) the cloud serves. */
  async plugins(): Promise<string[]> {
    return ((await this.call('GET', '/plugins')) as { value: string[] }).value;
  }

  /** The state a plug-in shows the admin API (an API stand-in's issues or work items, say). */
  async pluginState(name: string): Promise<unknown> {
    return this.call('GET', `/plugins/${encodeURIComponent(name)}`);
  }

  /**
   * One call of a plug-in's own admin route (`/_admin/plugins/{name}{path}`): seeding or changing what an API
   * stand-in keeps, or asking it for a credential. Answers the body; a refusal throws with the plug-in's sentence.
   */
  async pluginCall(name: string, method: string, path: string, body?: unknown): Promise<unknown> {
    return this.call(method, `/plugins/${encodeURIComponent(name)}${path}`, body);
  }
}
