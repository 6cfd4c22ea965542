import { WorkflowRefusedError, type WorkflowJob } from './workflow-file.js';

/** The ids a job `needs:`. */
export function needsOf(job: WorkflowJob): string[] {
  return job.needs === undefined ? [] : ([] as string[]).concat(job.needs);
}

/**
 * Orders jobs so each comes after every job it needs (declaration order otherwise), refusing an unknown need
 * or a cycle with a sentence naming the jobs.
 */
export function orderJobs(jobs: Record<string, WorkflowJob>, path: string): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, chain: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      throw new WorkflowRefusedError(
        `${path}: jobs need each other in a cycle (${[...chain, id].join(' → ')}).`,
      );
    }
    state.set(id, 'visiting');
    for (const need of needsOf(jobs[id]!)) {
      if (!(need in jobs))
        throw new WorkflowRefusedError(
          `${path}: job "${id}" needs "${need}", which is not a job of the workflow.`,
        );
      visit(need, [...chain, id]);
    }
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of Object.keys(jobs)) visit(id, []);
  return order;
}

/** Every job `id` depends on, directly or through other jobs. */
export function ancestorsOf(jobs: Record<string, WorkflowJob>, id: string): string[] {
  const seen = new Set<string>();
  const walk = (current: string) => {
    for (const need of needsOf(jobs[current]!)) {
      if (!seen.has(need)) {
        seen.add(need);
        walk(need);
      }
    }
  };
  walk(id);
  return [...seen];
}
