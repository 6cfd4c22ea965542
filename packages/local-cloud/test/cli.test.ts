import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadScenarioFile, parseScenarioText } from '../src/index.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'bin', 'local-cloud.js');

describe('local-cloud up/down', () => {
  it('starts a daemon from a YAML scenario, serves a client that trusts caFile via NODE_EXTRA_CA_CERTS, stops it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-cloud-'));
    const scenario = join(dir, 'scenario.yaml');
    await writeFile(
      scenario,
      'tenants:\n  - id: 11111111-2222-4333-8444-555555555555\n    subscriptions:\n      - id: 66666666-7777-4888-9999-000000000000\n',
    );
    const { stdout } = await run(process.execPath, [bin, 'up', '--state-dir', dir, '--scenario', scenario]);
    const cloud = JSON.parse(await readFile(join(dir, 'cloud.json'), 'utf8')) as {
      resourceManager: string;
      caFile: string;
      subscriptionId: string;
      metadataEndpoint: string;
    };
    expect(stdout).toContain(cloud.resourceManager);
    expect(cloud.subscriptionId).toBe('66666666-7777-4888-9999-000000000000');
    const probe = `fetch(${JSON.stringify(cloud.metadataEndpoint)}).then(r => r.json()).then(j => console.log(j[0].resourceManager))`;
    const client = await run(process.execPath, ['-e', probe], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cloud.caFile },
    });
    expect(client.stdout.trim()).toBe(cloud.resourceManager);
    await run(process.execPath, [bin, 'down', '--state-dir', dir]);
    await expect(access(join(dir, 'cloud.json'))).rejects.toThrow();
    await expect(
      run(process.execPath, ['-e', probe], { env: { ...process.env, NODE_EXTRA_CA_CERTS: cloud.caFile } }),
    ).rejects.toThrow(/ECONNREFUSED|fetch failed/);
  });

  it('refuses a bad scenario with a sentence naming the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-cloud-'));
    const scenario = join(dir, 'bad.json');
    await writeFile(scenario, JSON.stringify({ tenants: [{ id: 'not-a-guid' }] }));
    await expect(
      run(process.execPath, [bin, 'up', '--state-dir', dir, '--scenario', scenario]),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining("Scenario field 'tenants[0].id' must be a GUID"),
    });
  });
});

describe('scenario validation', () => {
  it('accepts the example scenario', async () => {
    const scenario = await loadScenarioFile(join(import.meta.dirname, '..', 'examples', 'scenario.yaml'));
    expect(scenario.principals[0]!.federatedCredentials.map((c) => c.issuer)).toEqual([
      'github',
      'azure-devops',
    ]);
    expect(scenario.faults[0]).toMatchObject({
      method: 'DELETE',
      count: 1,
      effect: { kind: 'status', status: 429, retryAfterSeconds: 1 },
    });
  });

  it('names an unreadable scenario file', async () => {
    await expect(loadScenarioFile('/nonexistent/s.yaml')).rejects.toThrow(
      'Scenario file /nonexistent/s.yaml cannot be read (ENOENT); check the --scenario path.',
    );
  });

  it.each([
    ['tenants: []', "'tenants' must list at least one tenant"],
    [
      'tenants: [{ id: 11111111-2222-4333-8444-555555555555 }]\ntypo: 1',
      "Scenario field 'typo' is not known",
    ],
    [
      'tenants: [{ id: 11111111-2222-4333-8444-555555555555 }]\nprincipals: [{ name: a, clientId: nope }]',
      "'principals[0].clientId' must be a GUID",
    ],
    [
      'tenants: [{ id: 11111111-2222-4333-8444-555555555555 }]\nfaults: [{ status: 418 }]',
      "'faults[0].status' must be 429, 500, 502, 503 or 504",
    ],
    [
      'tenants: [{ id: 11111111-2222-4333-8444-555555555555 }]\nfaults: [{ status: 503, reset: true }]',
      'must set exactly one of status, reset, slowLongRunningMs or failLongRunning',
    ],
    [
      'tenants: [{ id: 11111111-2222-4333-8444-555555555555 }]\nthrottle: { reads: { capacity: 0 } }',
      "'throttle.reads.capacity' must be a number of at least 1",
    ],
    [
      'tenants: [{ id: 11111111-2222-4333-8444-555555555555 }]\ngithub: { jobs: [{ name: x, repository: bad }] }',
      "'github.jobs[0].repository' must look like owner/name",
    ],
  ])('rejects %j', (text, message) => {
    expect(() => parseScenarioText(text, 's.yaml')).toThrow(message);
  });
});
