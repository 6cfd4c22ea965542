import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { compileParams } from '@azpn/bicep';
import { defaultScenario, LocalCloudAdmin, startLocalCloud, type LocalCloud } from '../src/index.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');
const az = (process.env.PATH ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'az'))
  .find((path) => existsSync(path));
const rg = 'rg-az';

let local: LocalCloud;
let dir: string;
let env: NodeJS.ProcessEnv;
let compiled: ReturnType<typeof compileParams>;

/** Runs one az command in the isolated configuration and parses its `-o json` output. */
async function azJson(...args: string[]): Promise<unknown> {
  const { stdout } = await run(az!, [...args, '-o', 'json'], { env, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim() ? (JSON.parse(stdout) as unknown) : undefined;
}

const describeAz = az === undefined ? describe.skip : describe;
const title =
  az === undefined
    ? 'the Azure CLI against the local cloud (skipped: `az` is not on PATH; scripts/setup.sh installs Debian azure-cli)'
    : 'the Azure CLI against the local cloud';

describeAz(title, () => {
  let outputs: Record<string, { type: string; value: unknown }>;

  beforeAll(async () => {
    // The Bicep CLI compiles while az signs in.
    compiled = compileParams(join(root, 'bicep', 'forwarder', 'main.bicepparam'));
    dir = await mkdtemp(join(tmpdir(), 'local-cloud-az-'));
    local = await startLocalCloud({
      scenario: { ...defaultScenario(), latencies: { readMs: 0, writeMs: 0, longRunningMs: 0, tokenMs: 0 } },
      stateDir: join(dir, 'state'),
    });
    env = {
      PATH: process.env.PATH,
      HOME: dir,
      AZURE_CONFIG_DIR: join(dir, 'az'),
      // Loopback only: the cloud's CA is the whole trust store, and anything that is not 127.0.0.1 goes to a
      // closed port instead of the internet.
      REQUESTS_CA_BUNDLE: local.cloud.caFile,
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1',
      AZURE_CORE_COLLECT_TELEMETRY: 'false',
      AZURE_CORE_NO_COLOR: 'true',
      AZURE_CORE_ONLY_SHOW_ERRORS: 'true',
      AZURE_CORE_SURVEY_MESSAGE: 'false',
    };
  });
  afterAll(async () => {
    await local?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('registers the cloud from the metadata endpoint and logs in as a service principal through /adfs', async () => {
    const principal = local.cloud.principals[0]!;
    await run(
      az!,
      [
        'cloud',
        'register',
        '--name',
        'LocalCloud',
        '--endpoint-resource-manager',
        local.cloud.resourceManager,
        // MSAL Python 1.21 validates any other authority at login.microsoftonline.com; an AD FS one it trusts.
        '--endpoint-active-directory',
        `${local.cloud.authorityHost}/adfs`,
      ],
      { env },
    );
    await run(az!, ['cloud', 'set', '--name', 'LocalCloud'], { env });
    // What az filled in from GET /metadata/endpoints?api-version=2015-01-01.
    const clouds = await readFile(join(dir, 'az', 'clouds.config'), 'utf8');
    expect(clouds).toContain(`active_directory_resource_id = ${local.cloud.audience}`);
    expect(clouds).toContain('active_directory_graph_resource_id = https://graph.microsoft.com/');

    const accounts = (await azJson(
      'login',
      '--service-principal',
      '--username',
      principal.clientId,
      '--password',
      principal.clientSecret!,
      '--tenant',
      local.cloud.tenantId,
    )) as { id: string; tenantId: string; cloudName: string; state: string; user: { type: string } }[];
    expect(accounts).toEqual([
      expect.objectContaining({
        id: local.cloud.subscriptionId,
        tenantId: local.cloud.tenantId,
        cloudName: 'LocalCloud',
        state: 'Enabled',
        user: { name: principal.clientId, type: 'servicePrincipal' },
      }),
    ]);
    const calls = await new LocalCloudAdmin(local.cloud).calls();
    const paths = calls.map((c) => `${c.method} ${c.path} ${c.status}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'GET /metadata/endpoints 200',
        'GET /adfs/.well-known/openid-configuration 200',
        'POST /adfs/oauth2/token/ 200',
        'GET /subscriptions 200',
      ]),
    );
  });

  it('creates a resource group and deploys the forwarder template (JSONC, spliced unquoted by az)', async () => {
    const group = (await azJson('group', 'create', '--name', rg, '--location', 'westeurope')) as {
      id: string;
      properties: { provisioningState: string };
    };
    expect(group.id).toBe(`/subscriptions/${local.cloud.subscriptionId}/resourceGroups/${rg}`);
    expect(group.properties.provisioningState).toBe('Succeeded');

    const built = await compiled;
    const templateFile = join(dir, 'forwarder.json');
    const parametersFile = join(dir, 'forwarder.parameters.json');
    // Templates are JSON with comments; az sends the file's text as it is.
    await writeFile(
      templateFile,
      `// bicep/forwarder, compiled\n${JSON.stringify(built.template, null, 2).replace('{', '{ /* the forwarder */')}`,
    );
    await writeFile(parametersFile, JSON.stringify(built.parameters));
    const deployment = (await azJson(
      'deployment',
      'group',
      'create',
      '--resource-group',
      rg,
      '--name',
      'forwarder',
      '--template-file',
      templateFile,
      '--parameters',
      `@${parametersFile}`,
    )) as { properties: { provisioningState: string; outputs: typeof outputs; mode: string } };
    expect(deployment.properties.provisioningState).toBe('Succeeded');
    expect(deployment.properties.mode).toBe('Incremental');
    outputs = deployment.properties.outputs;
    expect(outputs.privateEndpointIp?.value).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(outputs.recordFqdn?.value).toBe('onprem-server.internal.net');
  });

  it('shows the private endpoint, its A record and the jump box container group as the deployment made them', async () => {
    const endpointId = outputs.privateEndpointId!.value as string;
    // `az network private-endpoint` cannot load in Debian's azure-cli 2.45 (its azure-mgmt-network lacks the
    // 2022-01-01 models), so the endpoint is read as a generic resource; az picks the api-version from the
    // provider's registration (GET /subscriptions/{id}/providers/Microsoft.Network).
    const endpoint = (await azJson('resource', 'show', '--ids', endpointId)) as {
      id: string;
      type: string;
      properties: {
        provisioningState: string;
        networkInterfaces: { id: string }[];
        privateLinkServiceConnections: {
          properties: { privateLinkServiceId: string; privateLinkServiceConnectionState: { status: string } };
        }[];
      };
    };
    expect(endpoint.id).toBe(endpointId);
    expect(endpoint.type).toBe('Microsoft.Network/privateEndpoints');
    expect(endpoint.properties.provisioningState).toBe('Succeeded');
    const connection = endpoint.properties.privateLinkServiceConnections[0]!.properties;
    expect(connection.privateLinkServiceId).toBe(outputs.plsId!.value);
    expect(connection.privateLinkServiceConnectionState.status).toBe('Approved');
    expect(endpoint.properties.networkInterfaces[0]!.id).toMatch(/\/networkInterfaces\/nic-pe-/);
    const calls = (await new LocalCloudAdmin(local.cloud).calls()).map(
      (c) => `${c.method} ${c.path} ${c.status}`,
    );
    expect(calls).toContain(
      `GET /subscriptions/${local.cloud.subscriptionId}/providers/Microsoft.Network 200`,
    );

    const zone = outputs.dnsZoneName!.value as string;
    const record = (await azJson(
      'network',
      'private-dns',
      'record-set',
      'a',
      'show',
      '--resource-group',
      rg,
      '--zone-name',
      zone,
      '--name',
      'onprem-server',
    )) as { fqdn: string; ttl: number; aRecords: { ipv4Address: string }[]; etag: string; type: string };
    expect(record).toMatchObject({
      fqdn: 'onprem-server.internal.net.',
      type: 'Microsoft.Network/privateDnsZones/A',
      aRecords: [{ ipv4Address: outputs.privateEndpointIp!.value }],
    });
    expect(record.etag).toMatch(/^[0-9a-f-]{36}$/);

    const group = (await azJson(
      'container',
      'show',
      '--resource-group',
      rg,
      '--name',
      outputs.hubJumpboxName!.value as string,
    )) as {
      id: string;
      provisioningState: string;
      osType: string;
      instanceView: { state: string };
      containers: { name: string; image: string; instanceView: { currentState: { state: string } } }[];
      subnetIds: { id: string }[];
    };
    expect(group.id).toBe(outputs.hubJumpboxId!.value);
    expect(group.provisioningState).toBe('Succeeded');
    expect(group.osType).toBe('Linux');
    expect(group.instanceView.state).toBe('Running');
    expect(group.containers[0]!.instanceView.currentState.state).toBe('Running');
    expect(group.subnetIds[0]!.id).toContain(outputs.hubVnetId!.value as string);
  });

  it('shows a resource by group, name and --resource-type (the path az builds has a double slash ARM normalises)', async () => {
    const vnetId = outputs.hubVnetId!.value as string;
    const name = vnetId.split('/').pop()!;
    const vnet = (await azJson(
      'resource',
      'show',
      '--resource-group',
      rg,
      '--name',
      name,
      '--resource-type',
      'Microsoft.Network/virtualNetworks',
    )) as { id: string; type: string };
    expect(vnet).toMatchObject({ id: vnetId, type: 'Microsoft.Network/virtualNetworks' });
    // az writes `resourcegroups` in lower case and the type after a double slash; ARM reads the path as the id.
    const calls = (await new LocalCloudAdmin(local.cloud).calls()).map((c) =>
      `${c.method} ${c.path} ${c.status}`.toLowerCase(),
    );
    expect(calls).toContain(`get ${vnetId} 200`.toLowerCase());
  });

  it('lists the resources of a group (az resource list -g sends $filter=resourceGroup eq …)', async () => {
    const listed = (await azJson('resource', 'list', '--resource-group', rg)) as {
      id: string;
      type: string;
    }[];
    expect(listed.map((r) => r.id)).toEqual(
      expect.arrayContaining([outputs.hubVnetId!.value, outputs.privateEndpointId!.value]),
    );
    expect(listed.every((r) => r.id.toLowerCase().includes(`/resourcegroups/${rg}/`))).toBe(true);
    const byType = (await azJson(
      'resource',
      'list',
      '--resource-group',
      rg,
      '--resource-type',
      'Microsoft.Network/virtualNetworks',
    )) as { type: string }[];
    expect(byType.length).toBeGreaterThanOrEqual(2);
    expect(new Set(byType.map((r) => r.type))).toEqual(new Set(['Microsoft.Network/virtualNetworks']));
  });

  it('registers the cloud from its resource manager alone, as Azure Stack Hub users do, and logs in through AD FS', async () => {
    // A fresh configuration: what `az cloud register -n NAME --endpoint-resource-manager URL` learns by itself.
    const stackEnv = { ...env, AZURE_CONFIG_DIR: join(dir, 'az-stack') };
    const stack = (...args: string[]) => run(az!, args, { env: stackEnv, maxBuffer: 16 * 1024 * 1024 });
    await stack(
      'cloud',
      'register',
      '-n',
      'LocalStack',
      '--endpoint-resource-manager',
      local.cloud.resourceManager,
    );
    await stack('cloud', 'set', '-n', 'LocalStack');
    const clouds = await readFile(join(dir, 'az-stack', 'clouds.config'), 'utf8');
    expect(clouds).toContain(`active_directory = ${local.cloud.authorityHost}/adfs`);
    expect(clouds).toContain(`active_directory_resource_id = ${local.cloud.audience}`);
    const principal = local.cloud.principals[0]!;
    const { stdout } = await stack(
      'login',
      '--service-principal',
      '-u',
      principal.clientId,
      '-p',
      principal.clientSecret!,
      '--tenant',
      local.cloud.tenantId,
      '-o',
      'json',
    );
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({ id: local.cloud.subscriptionId, cloudName: 'LocalStack', state: 'Enabled' }),
    ]);
    const { stdout: groups } = await stack('group', 'list', '-o', 'json');
    expect((JSON.parse(groups) as { name: string }[]).map((g) => g.name)).toContain(rg);
  });
});
