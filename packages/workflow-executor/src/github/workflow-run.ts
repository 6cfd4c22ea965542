/**
 * Runs a workflow file for a test event as GitHub would: `on:` decides whether it runs, jobs run in `needs:`
 * order (one at a time, matrix legs in order), each job's `if:` sees its needs, and every step runs for real.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { ExpressionFunction, Scope } from '../expressions/evaluate.js';
import { evaluateCondition, evaluateValue, githubFunctions } from '../expressions/github-expressions.js';
import type { Value } from '../expressions/values.js';
import { resolveUses } from './action-step.js';
import { runShell } from './run-step.js';
import { githubContext, type RunFacts } from './run-context.js';
import { evaluateConcurrency, runJobLeg } from './job-run.js';
import { ancestorsOf, needsOf, orderJobs } from './job-order.js';
import { expandMatrix, type MatrixLeg } from './matrix.js';
import type { GitHubWorkflowOptions } from './options.js';
import { jobPermissions } from './permissions.js';
import type { Conclusion, JobResult, WorkflowRunResult } from './results.js';
import { decideTrigger } from './triggers.js';
import { readWorkflow, type Workflow } from './workflow-file.js';

/** Refuses, before anything runs, a step the executor would not run as the runner does. */
function checkSteps(workflow: Workflow, workspace: string): void {
  for (const [id, job] of Object.entries(workflow.jobs)) {
    for (const [index, step] of (job.steps ?? []).entries()) {
      const where = `${workflow.path}: jobs.${id}.steps[${index}]`;
      if (step.uses !== undefined) resolveUses(step.uses, workspace, where);
      else if (step.run !== undefined)
        runShell(
          step,
          { defaults: { shell: job.defaults?.run?.shell ?? workflow.defaults?.run?.shell } },
          where,
        );
      else throw new Error(`${where} has neither uses: nor run:.`);
    }
  }
}

function jobStatusFunctions(
  workflow: Workflow,
  id: string,
  results: Map<string, Conclusion>,
  cancelled: () => boolean,
) {
  const fn = (call: () => boolean): ExpressionFunction => ({ min: 0, max: 0, call });
  const direct = needsOf(workflow.jobs[id]!).map((n) => results.get(n));
  const ancestors = ancestorsOf(workflow.jobs, id).map((n) => results.get(n));
  return {
    success: fn(() => !cancelled() && direct.every((r) => r === 'success')),
    failure: fn(() => !cancelled() && ancestors.some((r) => r === 'failure')),
    cancelled: fn(cancelled),
    always: fn(() => true),
  };
}

function merged(legs: JobResult[]): { result: Conclusion; outputs: Record<string, string> } {
  const outputs: Record<string, string> = {};
  for (const leg of legs) for (const [k, v] of Object.entries(leg.outputs)) if (v !== '') outputs[k] = v;
  const results = legs.map((l) => l.result);
  const result = results.includes('failure')
    ? 'failure'
    : results.includes('cancelled')
      ? 'cancelled'
      : results.every((r) => r === 'skipped')
        ? 'skipped'
        : 'success';
  return { result, outputs };
}

function skippedJob(
  workflow: Workflow,
  id: string,
  options: GitHubWorkflowOptions,
  reason: string,
  result: Conclusion = 'skipped',
): JobResult {
  const permissions = jobPermissions(workflow.permissions, workflow.jobs[id]!.permissions, {
    defaults: options.defaultPermissions ?? 'restricted',
    fork: false,
    where: `jobs.${id}.permissions`,
  });
  return {
    id,
    name: workflow.jobs[id]!.name ?? id,
    result,
    reason,
    permissions,
    outputs: {},
    steps: [],
    postSteps: [],
    summary: '',
    log: '',
  };
}

function finish(
  workflow: Workflow,
  options: GitHubWorkflowOptions,
  fields: Omit<WorkflowRunResult, 'job' | 'workflow' | 'name' | 'event'>,
): WorkflowRunResult {
  const jobs = fields.jobs;
  return {
    workflow: workflow.path,
    name: workflow.name,
    event: options.event.name,
    ...fields,
    job(id: string, matrix?: MatrixLeg): JobResult {
      const found = jobs.find(
        (j) => j.id === id && (!matrix || Object.entries(matrix).every(([k, v]) => j.matrix?.[k] === v)),
      );
      if (!found)
        throw new Error(
          `The run has no job "${id}"${matrix ? ` with matrix ${JSON.stringify(matrix)}` : ''} (jobs: ${jobs.map((j) => j.name).join(', ')}).`,
        );
      return found;
    },
  };
}

function runFacts(options: GitHubWorkflowOptions, workflow: Workflow): RunFacts {
  const runDir = mkdtempSync(join(tmpdir(), 'azpn-workflow-'));
  const eventPath = join(runDir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.event.payload, null, 2));
  const serverUrl = options.serverUrl ?? 'https://github.com';
  const dotCom = serverUrl === 'https://github.com';
  return {
    workflowName: workflow.name,
    workflowPath: relative(options.workspace, workflow.path),
    event: options.event,
    workspace: options.workspace,
    runDir,
    eventPath,
    runId: options.runId ?? 1000,
    runNumber: options.runNumber ?? 1,
    runAttempt: options.runAttempt ?? 1,
    serverUrl,
    apiUrl: options.apiUrl ?? (dotCom ? 'https://api.github.com' : `${serverUrl}/api/v3`),
    graphqlUrl:
      options.graphqlUrl ?? (dotCom ? 'https://api.github.com/graphql' : `${serverUrl}/api/graphql`),
  };
}

/** Runs every job in order; a job sees the results and outputs of the jobs it needs. */
async function runJobs(
  options: GitHubWorkflowOptions,
  workflow: Workflow,
  facts: RunFacts,
  inputs: Record<string, Value>,
): Promise<JobResult[]> {
  const results = new Map<string, Conclusion>();
  const needs: Record<string, Value> = {};
  const jobs: JobResult[] = [];
  const cancelled = () => options.signal?.aborted === true;
  for (const id of orderJobs(workflow.jobs, workflow.path)) {
    const job = workflow.jobs[id]!;
    const jobNeeds = Object.fromEntries(needsOf(job).map((n) => [n, needs[n] ?? null]));
    const scope: Scope = {
      where: `jobs.${id}.if`,
      contexts: { github: githubContext(facts, id, ''), needs: jobNeeds, vars: options.vars ?? {}, inputs },
      functions: { ...githubFunctions, ...jobStatusFunctions(workflow, id, results, cancelled) },
    };
    let legs: JobResult[];
    if (cancelled()) legs = [skippedJob(workflow, id, options, 'the run was cancelled', 'cancelled')];
    else if (!evaluateCondition(job.if, scope))
      legs = [skippedJob(workflow, id, options, 'its if: is false')];
    else legs = await runLegs(options, workflow, facts, id, jobNeeds, inputs, scope);
    const { result, outputs } = merged(legs);
    results.set(id, result);
    needs[id] = { result, outputs };
    jobs.push(...legs);
  }
  return jobs;
}

/** The run's conclusion; a failed job with `continue-on-error` does not fail it. */
function conclusionOf(workflow: Workflow, jobs: JobResult[], scope: Scope): Conclusion {
  const tolerated = (j: JobResult) =>
    evaluateValue(workflow.jobs[j.id]!['continue-on-error'] ?? false, scope) === true;
  const counted = jobs.filter((j) => !(j.result === 'failure' && tolerated(j)));
  if (counted.some((j) => j.result === 'failure')) return 'failure';
  return counted.some((j) => j.result === 'cancelled') ? 'cancelled' : 'success';
}

/** Runs the workflow for the event and answers what every job and step did. */
export async function runGitHubWorkflow(options: GitHubWorkflowOptions): Promise<WorkflowRunResult> {
  const workflow = readWorkflow(options.workflow);
  checkSteps(workflow, options.workspace);
  orderJobs(workflow.jobs, workflow.path);
  const decision = decideTrigger(workflow.on, options.event);
  if (!decision.triggered) {
    return finish(workflow, options, {
      triggered: false,
      reason: decision.reason,
      conclusion: 'skipped',
      jobs: [],
    });
  }
  const facts = runFacts(options, workflow);
  const runScope: Scope = {
    where: 'concurrency',
    contexts: { github: githubContext(facts, '', ''), inputs: decision.inputs, vars: options.vars ?? {} },
    functions: githubFunctions,
  };
  const concurrency = evaluateConcurrency(workflow.concurrency, runScope);
  const jobs = await runJobs(options, workflow, facts, decision.inputs);
  const conclusion = conclusionOf(workflow, jobs, runScope);
  return finish(workflow, options, {
    triggered: true,
    reason: decision.reason,
    conclusion,
    ...(concurrency ? { concurrency } : {}),
    jobs,
  });
}

async function runLegs(
  options: GitHubWorkflowOptions,
  workflow: Workflow,
  facts: RunFacts,
  id: string,
  needs: Record<string, Value>,
  inputs: Record<string, Value>,
  scope: Scope,
): Promise<JobResult[]> {
  const job = workflow.jobs[id]!;
  const strategy = job.strategy ?? {};
  const matrix =
    strategy.matrix === undefined
      ? undefined
      : evaluateValue(strategy.matrix, { ...scope, where: `jobs.${id}.strategy.matrix` });
  const legs: (MatrixLeg | undefined)[] =
    matrix === undefined ? [undefined] : expandMatrix(matrix, `jobs.${id}`);
  const failFast =
    strategy['fail-fast'] === undefined ? true : evaluateValue(strategy['fail-fast'], scope) !== false;
  const results: JobResult[] = [];
  for (const [index, leg] of legs.entries()) {
    if (failFast && results.some((r) => r.result === 'failure')) {
      results.push({
        ...skippedJob(workflow, id, options, 'fail-fast: another leg of the matrix failed', 'cancelled'),
        ...(leg ? { matrix: leg } : {}),
      });
      continue;
    }
    const strategyContext = {
      'fail-fast': failFast,
      'job-index': index,
      'job-total': legs.length,
      'max-parallel': legs.length,
    };
    results.push(
      await runJobLeg({
        options,
        workflow,
        facts,
        runDir: facts.runDir,
        jobId: id,
        job,
        matrix: leg,
        strategy: strategyContext,
        needs,
        inputs,
      }),
    );
  }
  return results;
}
