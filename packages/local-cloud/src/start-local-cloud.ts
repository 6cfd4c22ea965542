import { createServer } from 'node:https';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Scenario } from './scenario/types.js';
import { defaultScenario } from './scenario/default-scenario.js';
import type { CloudDescription } from './cloud-description.js';
import { generateTlsMaterial } from './internal/transport/certificate-authority.js';
import { generateSigningKey } from './internal/identity/signing-key.js';
import { CloudRuntime, armAudience } from './internal/cloud-runtime.js';
import { gitHubSubject } from './internal/identity/github-issuer.js';
import { startFabric, type Fabric, type FabricOptions } from './fabric/fabric.js';
import { execSessionsOf } from './internal/providers/container-instance/exec-sessions.js';
import { readSnapshot, restoreSnapshot, SnapshotWriter } from './internal/snapshot/snapshot-file.js';
import { dispatch, mountOf } from './internal/http/dispatch.js';
import type { CloudPlugin } from './internal/cloud-plugin.js';
import { builtInPlugins } from './internal/providers.js';

/** How to start a local cloud. */
export interface LocalCloudOptions {
  /** The scenario to run; the built-in default when absent. */
  scenario?: Scenario;
  /** Port on 127.0.0.1; a free one when absent or 0. */
  port?: number;
  /** When given, `cloud.json` and `ca.pem` are written there. */
  stateDir?: string;
  /** Realises the deployed resources as network namespaces carrying real packets (needs root). */
  fabric?: boolean | FabricOptions;
  /**
   * A snapshot file: loaded on start when it exists (resource groups, resources, deployments), rewritten atomically
   * shortly after each call that changed the store and on stop. Keys, the CA and tokens are new on each start.
   */
  snapshotFile?: string;
  /**
   * The plug-ins the cloud serves: resource providers and API stand-ins (see "Adding a provider" in the README).
   * The built-in ones when absent; a test that adds its own passes them with the built-in ones.
   */
  plugins?: readonly CloudPlugin[];
}

/** A running local cloud. */
export interface LocalCloud {
  /** What `cloud.json` holds. */
  cloud: CloudDescription;
  /** The data plane, when started with `fabric`. */
  fabric?: Fabric;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

/** Starts a local cloud on 127.0.0.1: one HTTPS server with ARM, the authority, the OIDC issuers and the admin API. */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const scenario = options.scenario ?? defaultScenario();
  const plugins = options.plugins ?? builtInPlugins;
  // An unusable snapshot stops the start before anything runs, and is left as it is.
  const snapshot =
    options.snapshotFile === undefined ? undefined : await readSnapshot(options.snapshotFile, plugins);
  const [tls, entra, github, azureDevOps] = await Promise.all([
    generateTlsMaterial(),
    generateSigningKey(),
    generateSigningKey(),
    generateSigningKey(),
  ]);
  // Requests that arrive before the port (and so the URLs) are known get a 503.
  const ready: { runtime?: CloudRuntime; snapshot?: SnapshotWriter } = {};
  const server = createServer(
    { cert: tls.serverCertPem, key: tls.serverKeyPem, keepAliveTimeout: 5000 },
    (request, response) => {
      if (ready.runtime === undefined) {
        response.writeHead(503).end();
        return;
      }
      // A client that drops its connection mid-request must not take the cloud down with it.
      dispatch(request, response, ready.runtime).then(
        () => ready.snapshot?.schedule(),
        () => request.socket.destroy(),
      );
    },
  );
  // Websockets (ACI exec sessions) are upgrades under a plug-in's mount, on the same server.
  server.on('upgrade', (request, socket, head) => {
    const runtime = ready.runtime;
    const mount =
      runtime && mountOf(runtime.plugins, new URL(request.url ?? '/', 'https://x').pathname)?.mount;
    const handled = mount?.upgrade?.(request, socket, head, runtime!.mountContext()) ?? false;
    if (!handled) socket.destroy();
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const keys = { entra, github, azureDevOps };
  const runtime = new CloudRuntime(`https://127.0.0.1:${port}`, scenario, keys, plugins);
  if (options.snapshotFile !== undefined) {
    if (snapshot !== undefined) restoreSnapshot(runtime.store, snapshot, runtime.clock.now(), plugins);
    const writer = new SnapshotWriter(options.snapshotFile, runtime.store, plugins);
    // Written at once, so a file that cannot be written fails the start rather than the first change.
    await writer.flush().catch((error: Error) => {
      server.close();
      throw new Error(`The snapshot file ${options.snapshotFile} cannot be written: ${error.message}`);
    });
    ready.snapshot = writer;
  }
  ready.runtime = runtime;
  const cloud = describeCloud(runtime, tls.caPem);
  const fabric =
    options.fabric === undefined || options.fabric === false
      ? undefined
      : await startFabric(runtime.store, options.fabric === true ? {} : options.fabric);
  // With the fabric, ACI exec runs inside the container group's namespace.
  if (fabric !== undefined) execSessionsOf(runtime.store).runner = fabric.execRunner;
  if (options.stateDir !== undefined) {
    await mkdir(options.stateDir, { recursive: true });
    cloud.caFile = join(options.stateDir, 'ca.pem');
    await writeFile(cloud.caFile, tls.caPem);
    await writeFile(join(options.stateDir, 'cloud.json'), JSON.stringify(cloud, null, 2) + '\n', {
      mode: 0o600,
    });
  }
  return {
    cloud,
    fabric,
    stop: async () => {
      await fabric?.stop();
      for (const plugin of plugins) plugin.stop?.(runtime.store);
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
      await ready.snapshot?.close();
    },
  };
}

function describeCloud(runtime: CloudRuntime, caPem: string): CloudDescription {
  const { scenario } = runtime;
  const ado = runtime.azureDevOps;
  return {
    name: 'LocalCloud',
    resourceManager: runtime.resourceManager,
    authorityHost: runtime.authorityHost,
    audience: armAudience,
    metadataEndpoint: `${runtime.resourceManager}metadata/endpoints?api-version=2022-09-01`,
    tenantId: scenario.tenants[0]!.id,
    subscriptionId: scenario.tenants[0]!.subscriptions[0]?.id ?? '',
    caPem,
    principals: scenario.principals.map((p) => ({
      ...p,
      federatedCredentials: p.federatedCredentials.map((c) => ({
        ...c,
        issuer: runtime.resolveIssuer(c.issuer),
      })),
    })),
    github: {
      issuer: runtime.github.issuerUrl,
      jobs: runtime.githubJobs.map((job) => ({
        name: job.name,
        subject: gitHubSubject(job),
        requestUrl: runtime.github.requestUrl(job),
        requestToken: job.requestToken,
      })),
    },
    azureDevOps: {
      issuer: ado.issuerUrl,
      organization: scenario.azureDevOps.organization,
      project: scenario.azureDevOps.project,
      oidcRequestUri: ado.oidcRequestUri,
      systemAccessToken: ado.systemAccessToken,
      serviceConnections: scenario.azureDevOps.serviceConnections.map((c) => ({
        ...c,
        subject: `sc://${scenario.azureDevOps.organization}/${scenario.azureDevOps.project}/${c.name}`,
      })),
    },
    services: Object.fromEntries(
      runtime.plugins.flatMap((p) =>
        p.describe === undefined ? [] : [[p.name, p.describe(runtime.mountContext())]],
      ),
    ),
    admin: { endpoint: `${runtime.baseUrl}/_admin`, token: runtime.adminToken },
    pid: process.pid,
  };
}
