import type { ShapeResult } from '@azpn/core';

/** What a probe checks: a shell command's exit status, or one of the structured network checks. */
export type ProbeCheck =
  | { kind: 'command'; command: string }
  | { kind: 'http'; url: string; status: number; body?: RegExp }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'dns'; name: string; expectedIp?: string };

/** One probe of the `probes` input. */
export interface Probe {
  name: string;
  /** The jump box's name as given in `jump-boxes` (or its last id segment); undefined when there is only one. */
  jumpBox?: string;
  check: ProbeCheck;
  timeoutSeconds: number;
}

type Entry = Record<string, unknown>;

const text = { type: ['string', 'number'] } as const;

/**
 * The shape of the `probes` YAML, checked before the meaning of each probe ({@link probesShape}): a list of
 * mappings with the keys this action reads, so that a misspelt key is refused rather than ignored.
 */
export const probesSchema = {
  type: 'array',
  description:
    'a YAML list of probes, each with a name and one of command, http, tcp or dns (for example "- name: web\\n  http: http://10.0.0.4:8000")',
  minItems: 1,
  maxItems: 200,
  items: {
    type: 'object',
    description: 'a probe: name, jump-box, one of command, http, tcp, dns, and status, body, ip, timeout',
    additionalProperties: false,
    properties: {
      name: text,
      'jump-box': text,
      jumpBox: text,
      command: text,
      http: text,
      tcp: text,
      dns: text,
      status: text,
      body: text,
      ip: text,
      timeout: text,
    },
  },
} as const;

const expected =
  'a YAML list of probes, each with a name and one of command, http, tcp or dns (for example "- name: web\\n  http: http://10.0.0.4:8000")';

function textOf(entry: Entry, key: string): string | undefined {
  const value = entry[key];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function checkOf(entry: Entry, name: string): ProbeCheck | string {
  const kinds = ['command', 'http', 'tcp', 'dns'].filter((key) => entry[key] !== undefined);
  if (kinds.length !== 1) return `probe "${name}" with exactly one of command, http, tcp or dns`;
  const value = textOf(entry, kinds[0]!);
  if (!value) return `probe "${name}" with a text value for ${kinds[0]}`;
  switch (kinds[0]) {
    case 'command':
      return { kind: 'command', command: value };
    case 'http': {
      if (!/^https?:\/\/\S+$/.test(value)) return `probe "${name}" with an http(s) URL for http`;
      const status = Number(textOf(entry, 'status') ?? 200);
      if (!Number.isInteger(status) || status < 100 || status > 599)
        return `probe "${name}" with a status between 100 and 599`;
      const pattern = textOf(entry, 'body');
      if (pattern === undefined) return { kind: 'http', url: value, status };
      try {
        return { kind: 'http', url: value, status, body: new RegExp(pattern) };
      } catch {
        return `probe "${name}" with a valid regular expression for body`;
      }
    }
    case 'tcp': {
      const match = /^([\w.-]+):(\d{1,5})$/.exec(value);
      if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535)
        return `probe "${name}" with tcp as host:port, such as 10.0.0.4:8000`;
      return { kind: 'tcp', host: match[1]!, port: Number(match[2]) };
    }
    default: {
      if (!/^[\w.-]+$/.test(value)) return `probe "${name}" with a DNS name for dns`;
      const ip = textOf(entry, 'ip');
      if (ip !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(ip))
        return `probe "${name}" with an IPv4 address for ip`;
      return { kind: 'dns', name: value, ...(ip ? { expectedIp: ip } : {}) };
    }
  }
}

/** Checks the `probes` YAML: names unique, one check each, timeouts from 1 to 600 seconds. */
export function probesShape(defaultTimeoutSeconds: number) {
  return (value: unknown): ShapeResult<Probe[]> => {
    if (!Array.isArray(value) || value.length === 0) return { ok: false, expected };
    const probes: Probe[] = [];
    for (const item of value) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) return { ok: false, expected };
      const entry = item as Entry;
      const name = textOf(entry, 'name');
      if (!name || !/^[\w .:-]{1,64}$/.test(name))
        return {
          ok: false,
          expected: 'a list of probes whose names are 1 to 64 letters, digits, spaces or .:_-',
        };
      if (probes.some((p) => p.name === name))
        return { ok: false, expected: `probes with unique names ("${name}" repeats)` };
      const check = checkOf(entry, name);
      if (typeof check === 'string') return { ok: false, expected: `a list with each ${check}` };
      const timeoutSeconds = Number(textOf(entry, 'timeout') ?? defaultTimeoutSeconds);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 600)
        return { ok: false, expected: `a list with probe "${name}" timing out after 1 to 600 seconds` };
      const jumpBox = textOf(entry, 'jump-box') ?? textOf(entry, 'jumpBox');
      probes.push({ name, check, timeoutSeconds, ...(jumpBox ? { jumpBox } : {}) });
    }
    return { ok: true, value: probes };
  };
}

/** Quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The shell command a check runs on the jump box; structured checks use whichever tool the image has. */
export function checkCommand(check: ProbeCheck, timeoutSeconds: number): string {
  const t = String(timeoutSeconds);
  switch (check.kind) {
    case 'command':
      return check.command;
    case 'http': {
      const url = shellQuote(check.url);
      return (
        `if command -v curl >/dev/null 2>&1; then curl -sS -m ${t} -w '\\nhttp-status %{http_code}\\n' ${url}; ` +
        `else wget -S -O - -T ${t} ${url} 2>&1; fi`
      );
    }
    case 'tcp': {
      const host = shellQuote(check.host);
      return (
        `if command -v nc >/dev/null 2>&1; then nc -z -w ${t} ${host} ${check.port} && echo 'tcp open'; ` +
        `else timeout ${t} bash -c "echo > /dev/tcp/${check.host}/${check.port}" && echo 'tcp open'; fi`
      );
    }
    case 'dns': {
      const name = shellQuote(check.name);
      return (
        `if command -v getent >/dev/null 2>&1; then getent ahostsv4 ${name}; ` +
        `elif command -v dig >/dev/null 2>&1; then dig +short +time=${t} ${name}; else nslookup ${name}; fi`
      );
    }
  }
}

/**
 * The script sent to `/bin/sh` on the exec websocket. ACI returns no exit code, so the script prints the
 * command's status after a marker unique to this run; the marker is split in the script so that an echo of
 * the script itself can never be mistaken for it. stdin is closed for the command so it cannot eat the script.
 */
export function probeScript(command: string, marker: string): string {
  const half = Math.floor(marker.length / 2);
  return (
    `( ${command}\n) </dev/null 2>&1\n` +
    `printf '\\n%s%s %s\\n' ${shellQuote(marker.slice(0, half))} ${shellQuote(marker.slice(half))} "$?"\n` +
    'exit 0\n'
  );
}

/** The command's output and exit status read back from the stream; `status` undefined when the marker never came. */
export function parseProbeOutput(stream: string, marker: string): { output: string; status?: number } {
  const at = stream.lastIndexOf(`\n${marker} `);
  if (at < 0) return { output: stream };
  const status = /^(\d+)/.exec(stream.slice(at + marker.length + 2));
  return { output: stream.slice(0, at), ...(status ? { status: Number(status[1]) } : {}) };
}

/** Whether a check passed, given its output and status, and why not. */
export function judgeCheck(
  check: ProbeCheck,
  output: string,
  status: number,
): { passed: boolean; reason: string } {
  if (check.kind === 'http') {
    const codes = [...output.matchAll(/(?:^http-status |HTTP\/[\d.]+ )(\d{3})/gm)].map((m) => Number(m[1]));
    const code = codes.at(-1);
    if (code === undefined) return { passed: false, reason: `no HTTP answer (exit status ${status})` };
    if (code !== check.status) return { passed: false, reason: `HTTP ${code}, expected ${check.status}` };
    if (check.body && !check.body.test(output))
      return { passed: false, reason: `HTTP ${code}, body does not match /${check.body.source}/` };
    return { passed: true, reason: `HTTP ${code}` };
  }
  if (status !== 0) return { passed: false, reason: `exit status ${status}` };
  if (check.kind === 'dns') {
    const ips = [...output.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})\b/g)].map((m) => m[1]!);
    if (check.expectedIp && !ips.includes(check.expectedIp))
      return { passed: false, reason: `${check.name} does not resolve to ${check.expectedIp}` };
    if (ips.length === 0) return { passed: false, reason: `${check.name} resolves to no address` };
    return { passed: true, reason: `${check.name} → ${check.expectedIp ?? ips[0]}` };
  }
  return { passed: true, reason: 'exit status 0' };
}
