import {
  formatFailure,
  input,
  InputError,
  markdownHeading,
  markdownTable,
  messages,
  parseInputs,
  runStep,
  UserFacingError,
  type Platform,
} from '@azpn/core';
import { structuredInput } from '@azpn/core/structured-inputs';
import {
  describeAzureError,
  openAzure,
  optionalResourceNameInput,
  readAzureConnection,
  toUserFacingError,
  type OpenAzure,
} from '@azpn/azure';
import { groupState, parseJumpBox, startJumpBox, type JumpBox } from './jump-boxes.js';
import { runProbe, type ProbeResult } from './probe-runner.js';
import { probesSchema, probesShape, type Probe } from './probes.js';
import { readStartedGroups, reportStops, StopLedger, stopTargets, type StopTarget } from './stop-ledger.js';

const inputs = {
  mode: input.choice('mode', ['probe', 'stop'] as const, { default: 'probe' }),
  jumpBoxes: input.lines('jump-boxes'),
  resourceGroup: optionalResourceNameInput('resource-group', 'resource group'),
  probeTimeout: input.integer('probe-timeout', { default: 30, min: 1, max: 600 }),
  retryFor: input.integer('retry-for', { default: 0, min: 0, max: 3600 }),
  retryDelay: input.integer('retry-delay', { default: 2, min: 1, max: 60 }),
  startTimeout: input.integer('start-timeout', { default: 300, min: 10, max: 1800 }),
  stopAfter: input.choice('stop-after', ['true', 'false', 'all'] as const, { default: 'true' }),
  startedGroups: input.optionalString('started-groups'),
};

/** The jump boxes of `jump-boxes`, each once: a box listed twice is a typo, not a second box. */
function readJumpBoxes(
  lines: string[],
  subscriptionId: string,
  resourceGroup: string | undefined,
): JumpBox[] {
  const boxes = lines.map((line) => parseJumpBox(line, subscriptionId, resourceGroup));
  boxes.forEach((box, i) => {
    const first = boxes.findIndex((b) => b.id.toLowerCase() === box.id.toLowerCase());
    if (first < i)
      throw new InputError(
        'jump-boxes',
        `Input jump-boxes lists the container group ${box.name} twice (lines ${first + 1} and ${i + 1}): list each jump box once.`,
      );
  });
  return boxes;
}

/** Parses every input, probes, jump boxes and started groups included, before any Azure call. */
export function readConfig(platform: Platform) {
  const config = parseInputs(platform.inputs, inputs);
  const probes =
    config.mode === 'probe'
      ? structuredInput.yaml<unknown>('probes', probesSchema, undefined).parse(platform.inputs.read('probes'))
      : undefined;
  if (config.mode === 'probe' && probes === undefined)
    throw new InputError(
      'probes',
      'Input probes is required: list the checks to run, such as "- name: web\\n  http: http://10.0.0.4:8000".',
    );
  const shaped = probes === undefined ? undefined : probesShape(config.probeTimeout)(probes);
  if (shaped && !shaped.ok)
    throw new InputError('probes', messages.inputYamlShape('probes', shaped.expected));
  if (config.jumpBoxes.length === 0)
    throw new InputError(
      'jump-boxes',
      'Input jump-boxes is required: give the container groups to probe from, one name or id per line.',
    );
  const startedGroups = config.mode === 'stop' ? readStartedGroups(config.startedGroups) : [];
  const connection = readAzureConnection(platform);
  const boxes = readJumpBoxes(config.jumpBoxes, connection.subscriptionId, config.resourceGroup);
  const probeList = shaped?.ok ? shaped.value : [];
  if (config.mode === 'probe') assignProbes(probeList, boxes);
  return { ...config, probes: probeList, startedGroups, connection, boxes };
}

/** Each probe's jump box; a probe without one uses the only jump box there is. */
export function assignProbes(probes: Probe[], boxes: JumpBox[]): Map<Probe, JumpBox> {
  const assigned = new Map<Probe, JumpBox>();
  for (const probe of probes) {
    const box = probe.jumpBox
      ? boxes.find((b) => b.label === probe.jumpBox || b.name === probe.jumpBox)
      : boxes.length === 1
        ? boxes[0]
        : undefined;
    if (!box)
      throw new InputError(
        'probes',
        probe.jumpBox
          ? `Input probes names jump box "${probe.jumpBox}" in probe "${probe.name}", which is not in jump-boxes: use one of ${boxes.map((b) => b.name).join(', ')}.`
          : `Input probes has probe "${probe.name}" without a jump-box, and there are ${boxes.length} jump boxes: say which one it runs on.`,
      );
    assigned.set(probe, box);
  }
  return assigned;
}

/** Brings one box to Running, recording it for stopping before its start is requested. */
async function prepare(
  azure: OpenAzure,
  box: JumpBox,
  ledger: StopLedger,
  stopAfter: 'true' | 'false' | 'all',
  startTimeoutMs: number,
  platform: Platform,
): Promise<string> {
  const { state, container, runningSince } = await groupState(azure, box);
  if (state === 'Running') {
    // Started before this job: billable from the start ACI reports, when it reports one.
    if (stopAfter === 'all') ledger.add({ id: box.id, ...(runningSince ? { startedAt: runningSince } : {}) });
    platform.log.info(`${box.name} is already running.`);
    return container;
  }
  if (stopAfter !== 'false') ledger.add({ id: box.id, startedAt: Date.now() });
  platform.log.info(`Starting ${box.name} (${state}).`);
  const running = await startJumpBox(azure, box, startTimeoutMs);
  platform.log.info(`${box.name} is running.`);
  return running;
}

function resultsTable(results: ProbeResult[]): string {
  return markdownTable(
    ['probe', 'jump box', 'result', 'attempts', 'seconds', 'output (tail)'],
    results.map((r) => [
      r.name,
      r.jumpBox,
      `${r.passed ? '✅ passed' : '❌ failed'}: ${r.reason}`,
      String(r.attempts),
      String(r.seconds),
      r.outputTail.replace(/\n/g, '<br>'),
    ]),
  );
}

async function probeAll(
  azure: OpenAzure,
  config: ReturnType<typeof readConfig>,
  boxes: JumpBox[],
  ledger: StopLedger,
  platform: Platform,
): Promise<ProbeResult[]> {
  const assigned = assignProbes(config.probes, boxes);
  const containers = new Map(
    boxes.map((box) => [
      box,
      prepare(azure, box, ledger, config.stopAfter, config.startTimeout * 1000, platform).catch(
        (error: unknown) => new Error(`${box.name} did not start: ${describeAzureError(error).sentence}`),
      ),
    ]),
  );
  const budget = { deadline: Date.now() + config.retryFor * 1000, firstDelayMs: config.retryDelay * 1000 };
  return Promise.all(
    config.probes.map(async (probe): Promise<ProbeResult> => {
      const box = assigned.get(probe)!;
      const container = await containers.get(box)!;
      if (container instanceof Error) {
        const failed = { name: probe.name, jumpBox: box.name, passed: false, attempts: 0, seconds: 0 };
        return { ...failed, reason: container.message, outputTail: '' };
      }
      return runProbe(azure, box, container, probe, budget, platform);
    }),
  );
}

/** Stops what the ledger holds and keeps only the groups that would not stop. */
async function stopRecorded(azure: OpenAzure, ledger: StopLedger, platform: Platform): Promise<string> {
  const targets = ledger.list();
  const reports = await stopTargets(azure, targets, platform);
  ledger.clear();
  for (const target of targets)
    if (!reports.find((r) => r.id.toLowerCase() === target.id.toLowerCase())?.stopped) ledger.add(target);
  return reportStops(platform, reports);
}

/** The companion mode (Azure DevOps `condition: always()`): stops what the probe task started. */
async function stopMode(
  azure: OpenAzure,
  config: ReturnType<typeof readConfig>,
  boxes: JumpBox[],
  platform: Platform,
): Promise<void> {
  const recorded = config.startedGroups;
  const targets: StopTarget[] =
    config.stopAfter === 'all'
      ? boxes.map((b) => recorded.find((r) => r.id.toLowerCase() === b.id.toLowerCase()) ?? { id: b.id })
      : recorded;
  if (targets.length === 0) platform.log.info('No jump box was started by the probe step; nothing to stop.');
  const table = reportStops(platform, await stopTargets(azure, targets, platform));
  if (table) await platform.summary.append(markdownHeading('Jump boxes stopped') + table);
}

/** The main step: start the jump boxes, probe, report, stop. */
export async function run(platform: Platform): Promise<void> {
  await runStep(
    platform,
    async () => {
      const config = readConfig(platform);
      const { boxes } = config;
      const azure = await openAzure(platform, config.connection);
      if (config.mode === 'stop') return stopMode(azure, config, boxes, platform);
      const ledger = new StopLedger(platform);
      let results: ProbeResult[] = [];
      let stops = '';
      try {
        results = await platform.log.group('Probes', () => probeAll(azure, config, boxes, ledger, platform));
      } finally {
        if (config.stopAfter !== 'false') stops = await stopRecorded(azure, ledger, platform);
        platform.outputs.set('results', JSON.stringify(results));
        platform.outputs.set('passed', String(results.length > 0 && results.every((r) => r.passed)));
        await platform.summary.append(
          markdownHeading('Jump box probes') +
            (results.length ? resultsTable(results) : 'No probe ran.\n') +
            (stops ? markdownHeading('Jump boxes stopped', 3) + stops : ''),
        );
      }
      const failed = results.filter((r) => !r.passed);
      if (failed.length)
        throw new UserFacingError(
          `${failed.length} of ${results.length} probes failed: ${failed.map((r) => `${r.name} (${r.reason})`).join(', ')}.`,
        );
    },
    (error) => formatFailure(toUserFacingError(error)),
  );
}
