import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createMemoryPlatform } from '@azpn/core/memory';
import { InputError } from '@azpn/core';
import { checkCommand, judgeCheck, parseProbeOutput, probeScript, probesShape } from '../src/probes.js';
import { assignProbes, readConfig } from '../src/run.js';
import { parseJumpBox } from '../src/jump-boxes.js';

const marker = 'azpn-status-0123456789abcdef';

/** Feeds the script to a real /bin/sh on stdin, as the exec websocket does, and parses what comes back. */
function runScript(command: string) {
  const shell = spawnSync('/bin/sh', [], { input: probeScript(command, marker), encoding: 'utf8' });
  return parseProbeOutput(shell.stdout + shell.stderr, marker);
}

describe('the in-band exit status', () => {
  it('reads back the status of a passing and a failing command, with stderr in the output', () => {
    expect(runScript('echo hello')).toEqual({ output: 'hello\n', status: 0 });
    const failed = runScript('echo oops >&2; exit 3');
    expect(failed).toEqual({ output: 'oops\n', status: 3 });
  });

  it('survives commands that read stdin, exit the shell or print the marker prefix', () => {
    expect(runScript('cat; echo after-cat').status).toBe(0);
    expect(runScript('exit 7').status).toBe(7);
    const tricky = runScript(`echo "${marker} 0"; false`);
    expect(tricky.status).toBe(1);
    expect(tricky.output).toContain(`${marker} 0`);
  });

  it('has no status when the stream ends before the marker (the session was cut)', () => {
    expect(parseProbeOutput('partial output\n', marker)).toEqual({ output: 'partial output\n' });
  });

  it('never contains the whole marker in the script itself', () => {
    expect(probeScript('true', marker)).not.toContain(marker);
  });
});

describe('structured checks', () => {
  const parse = probesShape(30);

  it('parses each kind, with defaults and per-probe timeouts', () => {
    const parsed = parse([
      { name: 'web', http: 'http://10.0.0.4:8000/health', body: 'ok|healthy', timeout: 5 },
      { name: 'port', tcp: '10.0.0.4:22', 'jump-box': 'jb-hub' },
      { name: 'dns', dns: 'onprem-server.internal.net', ip: '10.1.0.4' },
      { name: 'cmd', command: 'curl -sf http://x' },
    ]);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value[0]).toMatchObject({ check: { kind: 'http', status: 200 }, timeoutSeconds: 5 });
    expect(parsed.value[1]).toMatchObject({
      check: { kind: 'tcp', host: '10.0.0.4', port: 22 },
      jumpBox: 'jb-hub',
    });
    expect(parsed.value[2]).toMatchObject({
      check: { kind: 'dns', expectedIp: '10.1.0.4' },
      timeoutSeconds: 30,
    });
  });

  it.each([
    [[{ name: 'x' }], 'exactly one of command, http, tcp or dns'],
    [[{ name: 'x', tcp: '10.0.0.4' }], 'host:port'],
    [[{ name: 'x', http: 'ftp://a' }], 'http(s) URL'],
    [
      [
        { name: 'x', command: 'true' },
        { name: 'x', command: 'true' },
      ],
      'unique names',
    ],
    [[{ name: 'x', command: 'true', timeout: 0 }], '1 to 600 seconds'],
    [[{ name: 'x', http: 'http://a', body: '(' }], 'valid regular expression'],
    ['not a list', 'YAML list'],
  ])('rejects %j', (value, expected) => {
    const result = parse(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.expected).toContain(expected);
  });

  it('judges HTTP by status and body, DNS by the expected address, the rest by exit status', () => {
    const http = { kind: 'http', url: 'http://a', status: 200, body: /healthy/ } as const;
    expect(judgeCheck(http, 'healthy\nhttp-status 200', 0).passed).toBe(true);
    expect(judgeCheck(http, 'sick\nhttp-status 200', 0).reason).toContain('body does not match');
    expect(judgeCheck(http, 'x\nhttp-status 503', 0).reason).toBe('HTTP 503, expected 200');
    expect(judgeCheck(http, '  HTTP/1.1 200 OK\nhealthy', 0).passed).toBe(true);
    expect(judgeCheck(http, 'curl: (7) Failed to connect', 7).reason).toBe('no HTTP answer (exit status 7)');
    const dns = { kind: 'dns', name: 'a.internal.net', expectedIp: '10.1.0.4' } as const;
    expect(judgeCheck(dns, '10.1.0.4\n', 0).passed).toBe(true);
    expect(judgeCheck(dns, '10.1.0.5\n', 0).passed).toBe(false);
    expect(judgeCheck({ kind: 'tcp', host: 'a', port: 1 }, '', 1).passed).toBe(false);
  });

  it('runs real checks through the wrapped shell: a closed TCP port fails, localhost resolves', () => {
    const closed = runScript(checkCommand({ kind: 'tcp', host: '127.0.0.1', port: 9 }, 2));
    expect(
      judgeCheck({ kind: 'tcp', host: '127.0.0.1', port: 9 }, closed.output, closed.status!).passed,
    ).toBe(false);
    const dns = { kind: 'dns', name: 'localhost', expectedIp: '127.0.0.1' } as const;
    const resolved = runScript(checkCommand({ kind: 'dns', name: 'localhost' }, 2));
    expect(judgeCheck(dns, resolved.output, resolved.status!)).toMatchObject({ passed: true });
  });
});

describe('inputs', () => {
  const base = {
    'jump-boxes': 'jb-hub\njb-spoke',
    'resource-group': 'rg-net',
    probes: '- name: a\n  jump-box: jb-hub\n  command: "true"',
    'subscription-id': '00000000-0000-0000-0000-000000000001',
  };

  it('names the input in one sentence when probes are missing or point at an unknown jump box', () => {
    const { platform } = createMemoryPlatform({ inputs: { ...base, probes: '' } });
    expect(() => readConfig(platform)).toThrow(/^Input probes is required/);
    // Every probe is assigned while the inputs are read, before any call.
    const unassigned = createMemoryPlatform({ inputs: { ...base, probes: '- name: a\n  command: "true"' } });
    expect(() => readConfig(unassigned.platform)).toThrow(/without a jump-box, and there are 2 jump boxes/);
    const elsewhere = createMemoryPlatform({
      inputs: { ...base, probes: '- name: a\n  jump-box: jb-x\n  command: "true"' },
    });
    expect(() => readConfig(elsewhere.platform)).toThrow(InputError);
    const boxes = ['jb-hub', 'jb-spoke'].map((b) => parseJumpBox(b, 'sub', 'rg-net'));
    expect(() => assignProbes([], boxes)).not.toThrow();
  });

  it('refuses a jump box listed twice as a duplicate, not as a probe without a jump box', () => {
    const { platform } = createMemoryPlatform({
      inputs: { ...base, 'jump-boxes': 'jb-hub\njb-hub', probes: '- name: a\n  command: "true"' },
    });
    expect(() => readConfig(platform)).toThrow(
      /^Input jump-boxes lists the container group jb-hub twice \(lines 1 and 2\): list each jump box once\.$/,
    );
  });

  it.each([
    ['not JSON', 'yesterday', /^Input started-groups is not valid JSON/],
    ['an object', '{"id": "x"}', /^Input started-groups must be array/],
    ['a list of strings', '["jb-hub"]', /^Input started-groups has \[0\], which must be object/],
    [
      'a start that is not a number',
      '[{"id": "%ID%", "startedAt": "yesterday"}]',
      /^Input started-groups has \[0\]\.startedAt, which must be number/,
    ],
    [
      'an id through ..',
      '[{"id": "/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/../providers/Microsoft.ContainerInstance/containerGroups/jb"}]',
      /^Input started-groups has ".*", which is not a container group id \(it has an empty, "\." or "\.\." segment\)/,
    ],
    [
      'an id in a non-GUID subscription',
      '[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/jb"}]',
      /^Input started-groups has ".*", which is not a container group id \(its subscription is not a GUID\)/,
    ],
  ])('stop mode refuses started-groups that is %s, naming started-groups', (_, value, message) => {
    const id =
      '/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg-a/providers/Microsoft.ContainerInstance/containerGroups/jb-1';
    const { platform } = createMemoryPlatform({
      inputs: { ...base, mode: 'stop', 'started-groups': value.replace('%ID%', id) },
    });
    expect(() => readConfig(platform)).toThrow(message);
  });

  it('accepts ids (in the subscription they name) and names, and wants a resource group for names', () => {
    const id =
      '/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg-a/providers/Microsoft.ContainerInstance/containerGroups/jb-1';
    expect(parseJumpBox(id, 'other', undefined)).toMatchObject({
      subscriptionId: '00000000-0000-0000-0000-00000000000a',
      resourceGroup: 'rg-a',
      name: 'jb-1',
    });
    expect(parseJumpBox('jb-2', 'sub', 'rg-b')).toMatchObject({
      id: '/subscriptions/sub/resourceGroups/rg-b/providers/Microsoft.ContainerInstance/containerGroups/jb-2',
      subscriptionId: 'sub',
    });
    expect(() => parseJumpBox('jb-1', 'sub', undefined)).toThrow(/^Input resource-group is required/);
    expect(() => parseJumpBox('Bad_Name', 'sub', 'rg')).toThrow(/^Input jump-boxes has "Bad_Name"/);
  });

  it('rejects a bad stop-after with the allowed values', () => {
    const { platform } = createMemoryPlatform({ inputs: { ...base, 'stop-after': 'maybe' } });
    expect(() => readConfig(platform)).toThrow(/stop-after/);
  });
});

describe('the documented examples', () => {
  it('have probes this action accepts', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    const github = parse(readFileSync(join(root, 'workflows-examples', 'jumpbox-probe.yml'), 'utf8')) as {
      jobs: { probe: { steps: { with?: { probes?: string } }[] } };
    };
    const ado = parse(readFileSync(join(root, 'workflows-examples', 'azure-pipelines.yml'), 'utf8')) as {
      steps: { inputs?: { probes?: string } }[];
    };
    const texts = [
      ...github.jobs.probe.steps.map((s) => s.with?.probes),
      ...ado.steps.map((s) => s.inputs?.probes),
    ].filter((t): t is string => t !== undefined);
    expect(texts).toHaveLength(2);
    // The agent expands $(step.output) macros before the task reads its inputs.
    for (const text of texts)
      expect(probesShape(30)(parse(text.replace(/\$\(\w+\.\w+\)/g, '10.1.0.4')))).toMatchObject({ ok: true });
  });
});
