import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Platform } from '@azpn/core';
import { createMemoryPlatform, type MemoryRecord } from '@azpn/core/memory';
import { adoName } from '@azpn/core/ado';
import {
  deployAction,
  endpointDnsAction,
  jumpboxProbeAction,
  previewAction,
  sampleAction,
  type FuzzedAction,
  type Patch,
} from './fuzzed-actions.js';
import { driftCheckAction } from './fuzzed-drift-check.js';
import { guardNetwork } from './network-guard.js';

/** The platforms every action runs on. */
export const platforms = ['github', 'azure-devops'] as const;
export type PlatformKind = (typeof platforms)[number];

/** A workspace with the JSON template deploy's fuzz deploys. */
export function fuzzWorkspace(): string {
  const workspace = mkdtempSync(join(tmpdir(), 'azpn-fuzz-'));
  writeFileSync(
    join(workspace, 'main.json'),
    JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { zoneName: { type: 'string', defaultValue: 'fuzz.test' } },
      resources: [],
      outputs: { zoneId: { type: 'string', value: "[parameters('zoneName')]" } },
    }),
  );
  return workspace;
}

/** Every fuzzed action, for a workspace made by {@link fuzzWorkspace}. */
export function fuzzedActions(): FuzzedAction[] {
  return [
    deployAction('main.json'),
    driftCheckAction('main.json'),
    endpointDnsAction,
    jumpboxProbeAction,
    previewAction('main.json'),
    sampleAction,
  ];
}

/** One case: an action, a platform, the input made malformed and the inputs it ran with. */
export interface FuzzCase {
  input: string;
  patch: Patch;
}

/** What a case produced, as a user (and the guard) would see it. */
export interface CaseOutcome {
  record: MemoryRecord;
  network: string[];
  processes: string[];
  thrown?: unknown;
}

const connectionId = 'conn-fuzz';

/**
 * A platform like the adapter of `kind`: on Azure DevOps the inputs are read by their task.json names (through the
 * adapter's own name mapping) and the job has a workload-identity service connection.
 */
function platformFor(
  kind: PlatformKind,
  inputs: Record<string, string>,
  workspace: string,
  context: FuzzedAction['context'] = {},
): { platform: Platform; record: MemoryRecord } {
  const made = createMemoryPlatform({
    platform: kind,
    inputs,
    context: { workspace, ...context },
    identity:
      kind === 'azure-devops'
        ? {
            azureDevOpsAccessToken: 'fuzz-access-token',
            azureDevOpsOidcRequestUri: 'https://oidc.fuzz.invalid/oidctoken',
          }
        : { githubIdToken: async () => 'fuzz-id-token' },
    serviceConnections: {
      [connectionId]: {
        id: connectionId,
        scheme: 'WorkloadIdentityFederation',
        parameters: {
          tenantid: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
          serviceprincipalid: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
        },
        data: { subscriptionid: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f' },
      },
    },
  });
  if (kind === 'azure-devops') {
    const byTaskName = Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [adoName(name), value]),
    );
    made.platform.inputs = { read: (name) => byTaskName[adoName(name)]?.trim() || undefined };
  }
  return made;
}

/** Runs `action` once with its baseline inputs changed by `patch`, every socket and process refused. */
export async function runCase(
  action: FuzzedAction,
  kind: PlatformKind,
  patch: Patch,
  workspace: string,
): Promise<CaseOutcome> {
  const inputs = {
    ...action.baseline,
    ...(kind === 'azure-devops' && action.name !== 'sample' ? { 'azure-subscription': connectionId } : {}),
    ...patch,
  };
  const { platform, record } = platformFor(kind, inputs, workspace, action.context);
  const guard = guardNetwork();
  let thrown: unknown;
  try {
    await action.run(platform);
  } catch (error) {
    thrown = error;
  } finally {
    guard.lift();
  }
  return {
    record,
    network: guard.record.network,
    processes: guard.record.processes,
    ...(thrown === undefined ? {} : { thrown }),
  };
}

/** How a case went, in the three counts the issue asks for. */
export interface Verdict {
  stackTrace: boolean;
  networkCall: boolean;
  /** Not exactly one error line that names the input, in a sentence, without "unexpectedly". */
  unclear: boolean;
  message: string;
}

const stackLine = /^\s*at .+(:\d+:\d+\)?|\(native\))$/m;

/** Judges a case whose `input` was made malformed. */
export function judge(outcome: CaseOutcome, input: string): Verdict {
  const failure = outcome.record.failure;
  const shown = outcome.record.logs.filter((l) => l.level !== 'debug').map((l) => l.message);
  const errors = outcome.record.logs.filter((l) => l.level === 'error');
  const names = new RegExp(
    `^(Input ${input}(?![\\w-])|Input required and not supplied: ${input}(?![\\w-])|Inputs .*\\b${input}(?![\\w-]))`,
  );
  const clear =
    failure !== undefined &&
    !failure.includes('\n') &&
    errors.length === 0 &&
    names.test(failure) &&
    !/unexpectedly|report it/.test(failure) &&
    failure.length <= 1000 &&
    /[.)]$/.test(failure);
  return {
    stackTrace:
      outcome.thrown !== undefined || [failure ?? '', ...shown].some((text) => stackLine.test(text)),
    networkCall: outcome.network.length + outcome.processes.length > 0,
    unclear: !clear,
    message: failure ?? `(no failure; thrown: ${String(outcome.thrown)})`,
  };
}

/** Cases for one action: any of its inputs, made malformed by its generator. */
export function cases(action: FuzzedAction): fc.Arbitrary<FuzzCase> {
  return fc
    .constantFrom(...Object.keys(action.malformed))
    .chain((input) => action.malformed[input]!.map((patch): FuzzCase => ({ input, patch })));
}
