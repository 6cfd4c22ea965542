import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ArmContext } from './arm/arm-provider.js';
import type { ArmProvider } from './arm/arm-provider.js';
import type { ResourceStore } from './arm/resource-store.js';
import type { Exchange, Reply } from './http/exchange.js';

/**
 * What an HTTP mount, a plug-in's admin route and its description are handed: the ARM context (store, scenario,
 * clock) and what an API stand-in outside ARM needs to know of the cloud: its base URL, and the Azure DevOps
 * organisation and project whose agent environment the cloud describes, with the job access token the agent hands
 * tasks (`System.AccessToken`).
 */
export interface MountContext extends ArmContext {
  /** The cloud's base URL, without a trailing slash: `https://127.0.0.1:8443`. */
  baseUrl: string;
  azureDevOps: {
    organization: string;
    organizationId: string;
    project: string;
    projectId: string;
    /** The token a pipeline job's tasks get as `System.AccessToken` (`SYSTEM_ACCESSTOKEN`). */
    systemAccessToken: string;
  };
}

/**
 * An HTTP API a plug-in serves outside ARM, under its own path prefix and with its own authentication: the GitHub
 * REST stand-in at `/api/v3` (as GitHub Enterprise Server serves it), an Azure DevOps REST stand-in, the websockets
 * of ACI exec sessions. The cloud hands it every call under the prefix, records it in the call log, and adds
 * nothing else: no bearer check, throttle, faults or latency unless the mount applies them itself.
 */
export interface HttpMount {
  /** The path prefix, starting with `/` and ending without one (`/api/v3`); it must not be one ARM serves. */
  prefix: string;
  /** Answers a call under the prefix; `subPath` is the rest of the path (`/repos/o/r/issues`, or `` at the prefix). */
  serve?(exchange: Exchange, subPath: string, context: MountContext): Reply | Promise<Reply>;
  /** Takes a websocket upgrade under the prefix; answers false when it does not want it (the socket is closed). */
  upgrade?(request: IncomingMessage, socket: Duplex, head: Buffer, context: MountContext): boolean;
}

/**
 * The state a plug-in keeps outside the resource store (deployments with their operations and templates), which the
 * snapshot file carries as a list of `[key, record]` pairs under the plug-in's name.
 */
export interface PluginSnapshot {
  /** The state as `[key, record]` pairs; each record has an `id`. The same state gives the same pairs. */
  save(store: ResourceStore): [string, { id: string }][];
  /**
   * Loads the pairs `save` wrote into an empty store, ending what a crash left half done as the lost operations
   * would have (`now` is the cloud's clock).
   */
  restore(store: ResourceStore, entries: [string, { id: string }][], now: number): void;
  /** True while the state changes between calls (a running deployment), so the snapshot looks again later. */
  busy?(store: ResourceStore): boolean;
}

/**
 * One plug-in of the local cloud: an ARM resource provider (Microsoft.Network, ARM's deployments service), a non-ARM
 * API stand-in (GitHub, Azure DevOps), or both. The cloud is handed the list (`builtInPlugins`, or
 * `startLocalCloud({ plugins })`); the ARM core asks each `arm.route`, the HTTP dispatch each `mount`, the admin API
 * each `adminState`, the snapshot each `snapshot`. None of them imports a plug-in, so adding one is a folder that
 * exports its `CloudPlugin` and a line in the list.
 */
export interface CloudPlugin {
  /** A short unique name: `GET /_admin/plugins/{name}` answers its state, the snapshot keeps its state under it. */
  name: string;
  /** The ARM resource provider it is, if it is one. */
  arm?: ArmProvider;
  /** The HTTP API it serves outside ARM, if any. */
  mount?: HttpMount;
  /** What `GET /_admin/plugins/{name}` answers: the plug-in's state as a test wants to read it. */
  adminState?(context: ArmContext): unknown;
  /**
   * Answers the admin calls under `/_admin/plugins/{name}/…` (any method; `subPath` is the rest, starting with `/`):
   * how a test seeds or changes what the plug-in keeps (an API stand-in's repositories and pull requests) or asks it
   * for credentials (a GitHub job token with its permissions). The admin token is checked before.
   */
  admin?(exchange: Exchange, subPath: string, context: MountContext): Reply | Promise<Reply>;
  /**
   * What `cloud.json` says of the plug-in under `services.{name}`: the endpoints its clients are pointed at (an API
   * stand-in's base URL), as the cloud describes its resource manager and authority.
   */
  describe?(context: MountContext): Record<string, unknown>;
  /** The state it keeps outside the resource store, for the snapshot file. */
  snapshot?: PluginSnapshot;
  /** Ends what the plug-in runs on its own (exec sessions' child processes) when the cloud stops. */
  stop?(store: ResourceStore): void;
}
