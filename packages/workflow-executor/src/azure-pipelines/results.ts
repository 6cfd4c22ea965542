/** How a step, job or stage ended, in Azure Pipelines' words. */
export type AzureResult = 'Succeeded' | 'SucceededWithIssues' | 'Failed' | 'Canceled' | 'Skipped';

/** What the agent records of one step (a main step, or the post-job run of a task). */
export interface AzureStepResult {
  index: number;
  /** The step's `name:` (its output variables are `name.var`). */
  name?: string;
  displayName: string;
  kind: 'task' | 'script' | 'checkout';
  stage: 'main' | 'post';
  /** `AzpnDeploy@0`. */
  task?: string;
  result: AzureResult;
  /** Output variables the step set (`isOutput=true`), by their own name. */
  outputs: Record<string, string>;
  /** Markdown the step uploaded as summaries. */
  summaries: string[];
  /** stdout and stderr with every secret replaced by ***. */
  log: string;
  errors: string[];
  warnings: string[];
  /** The inputs a task got (macros expanded, defaults not included), masked. */
  inputs?: Record<string, string>;
  exitCode?: number | null;
}

/** One job of the run. */
export interface AzureJobResult {
  stage: string;
  name: string;
  displayName: string;
  result: AzureResult;
  reason?: string;
  steps: AzureStepResult[];
  /** Post-job runs, in the order they ran (the reverse of their steps). */
  postSteps: AzureStepResult[];
  /** `step.var` output variables, as `dependencies.<job>.outputs` shows them. */
  outputs: Record<string, string>;
  summary: string;
  log: string;
}

/** A pipeline run. */
export interface PipelineRunResult {
  pipeline: string;
  triggered: boolean;
  reason: string;
  result: AzureResult;
  /** The runtime parameters after defaults. */
  parameters: Record<string, unknown>;
  stages: { name: string; result: AzureResult; jobs: AzureJobResult[] }[];
  /** The job with this name (in `stage` when given). */
  job(name: string, stage?: string): AzureJobResult;
}
