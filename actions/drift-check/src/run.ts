import { InputError, progressReporter, runStep, UserFacingError, type Platform } from '@azpn/core';
import { openAzure, toUserFacingError, type OpenAzure } from '@azpn/azure';
import {
  compileTemplate,
  readyTemplate,
  type CompiledTemplate,
  type ReadyTemplate,
} from '@azpn/action-deploy/template-what-if';
import { changeLines } from '@azpn/whatif';
import { readDriftConfig, type DriftConfig } from './config.js';
import { checkEnvironment, type CheckContext, type EnvironmentResult } from './environment-check.js';
import type { Environment } from './environments.js';
import { driftSummary } from './drift-summary.js';
import { openTracker, type TrackerSettings } from './tracker-settings.js';

/**
 * How many environments are checked at once. Each takes one write (what-if) and three reads over the seconds
 * what-if runs; eight at a time stay far inside ARM's buckets (writes refill 10 and reads 25 a second, per
 * subscription and principal), and the drift benchmark sees no 429 over 50 environments.
 */
const parallelChecks = 8;

/**
 * The template of each environment, ready for what-if: each template file compiled once (the Bicep CLI is the
 * slow part), then each environment's parameters file and overrides applied and checked.
 */
async function readyTemplates(
  config: DriftConfig,
  platform: Platform,
): Promise<Map<Environment, ReadyTemplate>> {
  const compiled = new Map<string, Promise<CompiledTemplate>>();
  const ready = new Map<Environment, ReadyTemplate>();
  for (const environment of config.environments) {
    const source = {
      templateFile: environment.templateFile,
      ...(environment.parametersFile ? { parametersFile: environment.parametersFile } : {}),
      overrides: environment.overrides,
      ...(config.bicepPath ? { bicepPath: config.bicepPath } : {}),
      workspace: config.workspace,
    };
    let template = compiled.get(source.templateFile);
    if (template === undefined) {
      template = platform.log.group(`Compile ${environment.template}`, () => compileTemplate(source));
      compiled.set(source.templateFile, template);
    }
    try {
      ready.set(environment, await readyTemplate(source, platform, template));
    } catch (error) {
      if (!(error instanceof InputError) || config.environments.length === 1) throw error;
      throw new InputError(error.input, `Environment ${environment.name}: ${error.message}`);
    }
  }
  return ready;
}

/** Runs `check` over `items`, `limit` at a time, keeping each outcome in its item's place. */
async function eachLimited<T, R>(items: readonly T[], limit: number, check: (item: T) => Promise<R>) {
  const outcomes: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      outcomes[index] = await check(items[index]!).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return outcomes;
}

/** Logs one environment's outcome and its drift, line by line. */
function logResult(platform: Platform, result: EnvironmentResult, noun: string): void {
  const record =
    result.record.id === undefined ? '' : ` (${noun} #${result.record.id} ${result.record.step})`;
  platform.log.info(
    result.drifted
      ? `${result.name}: drift, ${result.driftCount} change(s)${record}`
      : `${result.name}: no drift${result.noiseCount ? ` (${result.noiseCount} noise)` : ''}${record}`,
  );
  for (const line of changeLines(result.changes)) platform.log.info(`  ${line}`);
}

/** Sets the outputs: has-drift, drift-count, drifted-environments, issue-number/url for one environment, results. */
function setOutputs(platform: Platform, results: EnvironmentResult[]): void {
  const drifted = results.filter((r) => r.drifted);
  platform.outputs.set('has-drift', String(drifted.length > 0));
  platform.outputs.set('drift-count', String(results.reduce((sum, r) => sum + r.driftCount, 0)));
  platform.outputs.set('drifted-environments', JSON.stringify(drifted.map((r) => r.name)));
  const only = results.length === 1 ? results[0]!.record : undefined;
  platform.outputs.set('issue-number', only?.id === undefined ? '' : String(only.id));
  platform.outputs.set('issue-url', only?.url ?? '');
  platform.outputs.set('results', JSON.stringify(results.map(resultJson)));
}

function resultJson(result: EnvironmentResult) {
  return {
    name: result.name,
    ...(result.scope.level === 'resourceGroup'
      ? { resourceGroup: result.scope.resourceGroup }
      : { scope: result.scope.level }),
    drifted: result.drifted,
    driftCount: result.driftCount,
    ...(result.fingerprint ? { fingerprint: result.fingerprint } : {}),
    issue: result.record.step,
    ...(result.record.id === undefined ? {} : { issueNumber: result.record.id, issueUrl: result.record.url }),
    changes: result.changes,
  };
}

/** One sentence for environments that could not be checked: the first one's reason, and how many more. */
function failuresError(failures: { environment: Environment; error: unknown }[]): unknown {
  const first = toUserFacingError(failures[0]!.error);
  if (failures.length === 1 || !(first instanceof UserFacingError)) return first;
  const names = failures.map((f) => f.environment.name).join(', ');
  return new UserFacingError(
    `${first.message.replace(/\.$/, '')} (${failures.length} environments could not be checked: ${names}).`,
    {
      ...(first.code ? { code: first.code } : {}),
      ...(first.correlationId ? { correlationId: first.correlationId } : {}),
    },
  );
}

async function checkAll(
  azure: OpenAzure,
  config: DriftConfig,
  ready: Map<Environment, ReadyTemplate>,
  context: Omit<CheckContext, 'azure'>,
) {
  const outcomes = await eachLimited(config.environments, parallelChecks, (environment) =>
    checkEnvironment({ ...context, azure }, environment, ready.get(environment)!),
  );
  const results: EnvironmentResult[] = [];
  const failures: { environment: Environment; error: unknown }[] = [];
  outcomes.forEach((outcome, i) => {
    const environment = config.environments[i]!;
    if (outcome.status === 'rejected') return failures.push({ environment, error: outcome.reason });
    results.push(outcome.value);
    if (outcome.value.recordError !== undefined)
      failures.push({ environment, error: outcome.value.recordError });
  });
  return { results, failures };
}

/**
 * The main step: what-if for each environment through deploy's own code, the noise rules, and one issue (or work
 * item) per drifted environment, opened, updated, left alone or closed; outputs and a summary table.
 */
export async function run(platform: Platform, settings: TrackerSettings): Promise<void> {
  await runStep(platform, async () => {
    const config = readDriftConfig(platform);
    const { tracker, runUrl } = await openTracker(settings, config);
    const progress = progressReporter(platform.log, platform.now);
    // Every template compiles, and every parameter is checked, before the first call to Azure.
    const ready = await readyTemplates(config, platform);
    progress(`${config.environments.length} environment(s) ready`);
    let azure: OpenAzure | undefined;
    try {
      azure = await openAzure(platform, config.connection);
      const context = {
        platform,
        tracker,
        noiseRules: config.noiseRules,
        connection: config.connection,
        ...(runUrl ? { runUrl } : {}),
      };
      const { results, failures } = await checkAll(azure, config, ready, context);
      for (const result of results) logResult(platform, result, tracker.noun);
      progress(`checked ${results.length} of ${config.environments.length} environment(s)`);
      setOutputs(platform, results);
      await platform.summary.append(driftSummary(results, tracker.noun));
      if (failures.length > 0) throw failuresError(failures);
      const drifted = results.filter((r) => r.drifted).map((r) => r.name);
      if (drifted.length > 0 && config.failOnDrift)
        throw new UserFacingError(
          `Drift found in ${drifted.join(', ')} and fail-on-drift is true: see the ${tracker.noun}s linked in the job summary.`,
        );
    } catch (error) {
      const last = azure?.lastResponse();
      throw toUserFacingError(error, {
        ...(last?.correlationId ? { correlationId: last.correlationId } : {}),
        ...(last?.errorBody ? { errorBody: last.errorBody } : {}),
      });
    }
  });
}
