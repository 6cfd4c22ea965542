import { tmpdir } from 'node:os';
import type { Platform, RunContext, ServiceConnection } from '../ports.js';

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
  const platform: Platform = {
    inputs: { read: (name) => options.inputs?.[name]?.trim() || undefined },
    outputs: {
      set(name, value, opts) {
        if (opts?.secret) record.masks.push(value);
        record.outputs[name] = { value, secret: opts?.secret ?? false };
      },
    },
    secrets: { mask: (value) => void record.masks.push(value) },
    log: {
      debug: (message) => void record.logs.push({ level: 'debug', message }),
      info: (message) => void record.logs.push({ level: 'info', message }),
      warning: (message) => void record.logs.push({ level: 'warning', message }),
      error: (message) => void record.logs.push({ level: 'error', message }),
      async group(title, body) {
        record.logs.push({ level: 'group', message: title });
        return body();
      },
    },
    state: {
      save: (name, value) => void (record.state[name] = value),
      get: (name) => record.state[name],
    },
    summary: { append: async (markdown) => void record.summary.push(markdown) },
    result: {
      fail: (message) => void (record.failure = message),
      succeedWithIssues: (message) => void (record.issues = message),
    },
    context: { platform: options.platform ?? 'github', tempDir: tmpdir(), ...options.context },
    identity: options.identity ?? {},
    serviceConnection: (idOrInput) => {
      const id = options.inputs?.[idOrInput] ?? idOrInput;
      return options.serviceConnections?.[id];
    },
    now: () => (clock += 100),
  };
  return { platform, record };
}
