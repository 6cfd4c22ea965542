import { randomBytes } from 'node:crypto';
import type { Platform } from '@azpn/core';
import type { OpenAzure } from '@azpn/azure';
import { runExecSession } from './exec-session.js';
import { containerInstancesFor, type JumpBox } from './jump-boxes.js';
import { checkCommand, judgeCheck, parseProbeOutput, probeScript, type Probe } from './probes.js';

/** One probe's outcome, as the `results` output and the summary show it. */
export interface ProbeResult {
  name: string;
  jumpBox: string;
  passed: boolean;
  reason: string;
  attempts: number;
  seconds: number;
  /** The last lines of the last attempt's output. */
  outputTail: string;
}

/** How long to keep trying a failing probe. */
export interface RetryBudget {
  /** Wall-clock ms after which no new attempt starts. */
  deadline: number;
  /** The first pause between attempts; it doubles up to 30 s. */
  firstDelayMs: number;
}

/** The last `lines` lines of `text`, at most 2,000 characters. */
export function tailOf(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n').slice(-2000);
}

async function attempt(
  azure: OpenAzure,
  box: JumpBox,
  container: string,
  probe: Probe,
  platform: Platform,
): Promise<{ passed: boolean; reason: string; output: string }> {
  const containers = containerInstancesFor(azure, box).containers;
  const exec = await containers.executeCommand(box.resourceGroup, box.name, container, {
    command: '/bin/sh',
    terminalSize: { rows: 40, cols: 200 },
  });
  if (!exec.webSocketUri || !exec.password) throw new Error(`exec in ${box.name} answered no websocket`);
  platform.secrets.mask(exec.password);
  const marker = `azpn-status-${randomBytes(8).toString('hex')}`;
  const script = probeScript(checkCommand(probe.check, probe.timeoutSeconds), marker);
  // The jump box's own tools time out first; the socket is cut a little later as a last resort.
  const transcript = await runExecSession(
    exec.webSocketUri,
    exec.password,
    script,
    probe.timeoutSeconds * 1000 + 2000,
    liveLines(probe.name, marker, platform),
  );
  const { output, status } = parseProbeOutput(transcript.stream.replace(/\r\n/g, '\n'), marker);
  if (transcript.timedOut)
    return { passed: false, reason: `timed out after ${probe.timeoutSeconds} s`, output };
  if (status === undefined)
    return { passed: false, reason: 'the session closed before the command reported its status', output };
  return { ...judgeCheck(probe.check, output, status), output };
}

/** Logs a session's output line by line as it streams in, prefixed with the probe's name; the marker line is not shown. */
function liveLines(name: string, marker: string, platform: Platform): (text: string) => void {
  let partial = '';
  return (text) => {
    const lines = (partial + text.replace(/\r\n/g, '\n')).split('\n');
    partial = lines.pop()!;
    for (const line of lines)
      if (line !== '' && !line.startsWith(marker)) platform.log.info(`[${name}] ${line}`);
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a probe until it passes or the retry budget is spent, logging each attempt's output. */
export async function runProbe(
  azure: OpenAzure,
  box: JumpBox,
  container: string,
  probe: Probe,
  budget: RetryBudget,
  platform: Platform,
): Promise<ProbeResult> {
  const started = Date.now();
  let last: { passed: boolean; reason: string; output: string };
  let attempts = 0;
  for (let delay = budget.firstDelayMs; ; delay = Math.min(delay * 2, 30_000)) {
    attempts += 1;
    try {
      last = await attempt(azure, box, container, probe, platform);
    } catch (error) {
      last = { passed: false, reason: error instanceof Error ? error.message : String(error), output: '' };
    }
    platform.log.info(
      `[${probe.name}] attempt ${attempts} on ${box.name}: ${last.passed ? 'passed' : 'failed'} (${last.reason})`,
    );
    if (last.passed || Date.now() + delay > budget.deadline) break;
    await sleep(delay);
  }
  return {
    name: probe.name,
    jumpBox: box.name,
    passed: last.passed,
    reason: last.reason,
    attempts,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    outputTail: tailOf(last.output),
  };
}
