import { tmpdir } from 'node:os';
import type { Platform, RunContext, ServiceConnection } from '../ports.js';
import { SecretRegistry } from '../secret-forms.js';

/** What an in-memory platform recorded, for assertions in unit tests of action logic. */
export interface MemoryRecord {
  outputs: Record<string, { value: string; secret: boolean }>;
  masks: string[];
  logs: { level: 'debug' | 'info' | 'warning' | 'error' | 'group'; message: string }[];
  state: Record<string, string>;
  summary: string[];
  failure?: string;
  issues?: string;
}

/** What an in-memory platform starts with. */
export interface MemoryPlatformOptions {
  inputs?: Record<string, string>;
  state?: Record<string, string>;
  platform?: RunContext['platform'];
  serviceConnections?: Record<string, ServiceConnection>;
  identity?: Platform['identity'];
  context?: Partial<RunContext>;
}

/**
 * A platform that keeps everything in memory: the adapter unit tests of action logic use, where a real
 * runner process is not the point. End-to-end tests use the real adapters in child processes instead.
 */
export function createMemoryPlatform(options: MemoryPlatformOptions = {}): {
  platform: Platform;
  record: MemoryRecord;
} {
  const record: MemoryRecord = { outputs: {}, masks: [], logs: [], state: { ...options.state }, summary: [] };
  let clock = 0;
  // Redacts as the real adapters do, so that a unit test sees what a runner's log would hold.
  const registry = new SecretRegistry();
  const mask = (value: string) => {
    record.masks.push(value);
    registry.register(value);
  };
  const clean = (text: string) => registry.redact(text);
  const log = (level: MemoryRecord['logs'][number]['level']) => (message: string) =>
    void record.logs.push({ level, message: clean(message) });
  const platform: Platform = {
    inputs: { read: (name) => options.inputs?.[name]?.trim() || undefined },
    outputs: {
      set(name, value, opts) {
        const secret = (opts?.secret ?? false) || registry.holdsSecret(value);
        if (secret) mask(value);
        record.outputs[name] = { value, secret };
      },
    },
    secrets: { mask, redact: clean },
    log: {
      debug: log('debug'),
      info: log('info'),
      warning: log('warning'),
      error: log('error'),
      async group(title, body) {
        log('group')(title);
        return body();
      },
    },
    state: {
      save: (name, value) => void (record.state[name] = value),
      get: (name) => record.state[name],
    },
    summary: { append: async (markdown) => void record.summary.push(clean(markdown)) },
    result: {
      fail: (message) => void (record.failure = clean(message)),
      succeedWithIssues: (message) => void (record.issues = clean(message)),
    },
    context: {
      platform: options.platform ?? 'github',
      tempDir: tmpdir(),
      workspace: process.cwd(),
      ...options.context,
    },
    identity: options.identity ?? {},
    serviceConnection: (idOrInput) => {
      const id = options.inputs?.[idOrInput] ?? idOrInput;
      return options.serviceConnections?.[id];
    },
    now: () => (clock += 100),
  };
  return { platform, record };
}
