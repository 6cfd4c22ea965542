import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColdStartScenario } from './bundle-scenarios.js';

/** One way to reach the cloud: its URL as the `cloud` input, or the public cloud through a proxy. */
export type CloudRoute = 'custom' | 'public';

/** A step to time: an action's main or post entry on one platform, with its scenario. */
export interface TimedStep {
  action: string;
  platform: 'github' | 'ado';
  stage: 'main' | 'post';
  entry: string;
  scenario: ColdStartScenario;
}

// The task library derives an input's variable from its name camel-cased, as the manifests spell it.
const adoName = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Inputs and environment that send the step's first call to a listener on `port`, the way `route` says. */
function routeTo(route: CloudRoute, port: number): { cloud: { cloud: string }; env: Record<string, string> } {
  if (route === 'custom') return { cloud: { cloud: `https://127.0.0.1:${port}` }, env: {} };
  const proxy = `http://127.0.0.1:${port}`;
  return { cloud: { cloud: 'AzureCloud' }, env: { HTTPS_PROXY: proxy, https_proxy: proxy } };
}

/**
 * The environment a runner (GitHub) or an agent (Azure DevOps) gives the step, and nothing else: its inputs,
 * state and files in `workDir`, `TMPDIR` at `cacheDir` (where Node keeps its compile cache).
 */
export function stepEnvironment(
  step: TimedStep,
  paths: { workDir: string; cacheDir: string },
  route: CloudRoute,
  port: number,
): Record<string, string> {
  const { cloud, env: routeEnv } = routeTo(route, port);
  const inputs = { ...step.scenario.inputs, ...cloud };
  const workspace = join(paths.workDir, 'workspace');
  const common = { PATH: process.env.PATH ?? '', HOME: paths.workDir, TMPDIR: paths.cacheDir, ...routeEnv };
  const env: Record<string, string> = { ...common };
  if (step.platform === 'github') {
    Object.assign(env, {
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: paths.workDir,
      GITHUB_OUTPUT: join(paths.workDir, 'output'),
      GITHUB_STATE: join(paths.workDir, 'state'),
      GITHUB_STEP_SUMMARY: join(paths.workDir, 'summary.md'),
      ...step.scenario.env?.github,
    });
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
    for (const [name, value] of Object.entries(step.scenario.state ?? {})) env[`STATE_${name}`] = value;
    return env;
  }
  Object.assign(env, {
    TF_BUILD: 'True',
    AGENT_TEMPDIRECTORY: paths.workDir,
    BUILD_SOURCESDIRECTORY: workspace,
    SYSTEM_DEFAULTWORKINGDIRECTORY: workspace,
    ...step.scenario.env?.ado,
  });
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${adoName(name).toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(step.scenario.state ?? {}))
    env[`VSTS_TASKVARIABLE_${name.toUpperCase()}`] = value;
  return env;
}

/** A fresh job folder under `scratch` holding the scenario's workspace files and the runner's empty files. */
export function jobFolder(scratch: string, step: TimedStep, run: string): string {
  const workDir = join(scratch, `${step.action}-${step.platform}-${step.stage}-${run}`);
  const workspace = join(workDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  for (const [name, content] of Object.entries(step.scenario.files ?? {}))
    writeFileSync(join(workspace, name), content);
  for (const file of ['output', 'state', 'summary.md']) writeFileSync(join(workDir, file), '');
  return workDir;
}
