/**
 * Whether an event starts a workflow: the event is under `on:`, and its filters (`types`, `branches`,
 * `branches-ignore`, `tags`, `paths`, the schedule's crons, `workflow_dispatch` inputs) let it through.
 */
import type { Value } from '../expressions/values.js';
import type { GitHubEvent } from './events.js';
import { WorkflowRefusedError } from './workflow-file.js';

/** Whether the workflow runs for the event, and if not, why. */
export interface TriggerDecision {
  triggered: boolean;
  reason: string;
  /** The `inputs` context (workflow_dispatch inputs with their defaults and types). */
  inputs: Record<string, Value>;
}

type Filters = Record<string, unknown> | null;

function eventsOf(on: unknown): Record<string, Filters> {
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((name: string) => [name, null]));
  if (on && typeof on === 'object') return on as Record<string, Filters>;
  return {};
}

/** GitHub's filter pattern: `*` within a path segment, `**` across, `?` and `+` repeat the previous character. */
export function filterPattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?' || c === '+') source += c;
    else if (c === '[') {
      const close = pattern.indexOf(']', i);
      source += close > i ? pattern.slice(i, close + 1) : '\\[';
      if (close > i) i = close;
    } else if (c === '\\' && i + 1 < pattern.length) source += '\\' + pattern[++i];
    else source += c.replace(/[.^$(){}|/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Applies a list of patterns in order; `!pattern` excludes again what an earlier pattern matched. */
function matchesList(value: string, patterns: unknown): boolean {
  let matched = false;
  for (const raw of ([] as unknown[]).concat(patterns ?? [])) {
    const pattern = String(raw);
    if (pattern.startsWith('!')) {
      if (matched && filterPattern(pattern.slice(1)).test(value)) matched = false;
    } else if (filterPattern(pattern).test(value)) matched = true;
  }
  return matched;
}

function passes(value: string, filters: Filters, include: string, ignore: string): boolean {
  if (!filters) return true;
  if (include in filters) return matchesList(value, filters[include]);
  if (ignore in filters) return !matchesList(value, filters[ignore]);
  return true;
}

function pathsPass(event: GitHubEvent, filters: Filters): boolean {
  if (!filters || !('paths' in filters || 'paths-ignore' in filters)) return true;
  if (!event.changedFiles) {
    throw new WorkflowRefusedError(
      `The workflow filters ${event.name} by paths: give the test event its changedFiles.`,
    );
  }
  if ('paths' in filters) return event.changedFiles.some((f) => matchesList(f, filters.paths));
  return event.changedFiles.some((f) => !matchesList(f, filters['paths-ignore']));
}

function pushPasses(event: GitHubEvent, filters: Filters): boolean {
  const branch = /^refs\/heads\/(.+)$/.exec(event.ref)?.[1];
  const tag = /^refs\/tags\/(.+)$/.exec(event.ref)?.[1];
  const hasBranchFilter = !!filters && ('branches' in filters || 'branches-ignore' in filters);
  const hasTagFilter = !!filters && ('tags' in filters || 'tags-ignore' in filters);
  if (branch !== undefined) {
    if (!hasBranchFilter && hasTagFilter) return false;
    return passes(branch, filters, 'branches', 'branches-ignore') && pathsPass(event, filters);
  }
  if (tag !== undefined) {
    if (!hasTagFilter && hasBranchFilter) return false;
    return passes(tag, filters, 'tags', 'tags-ignore');
  }
  return false;
}

function pullRequestPasses(event: GitHubEvent, filters: Filters): string | undefined {
  const action = String(event.payload.action ?? '');
  const types = filters?.types
    ? ([] as string[]).concat(filters.types as string[])
    : ['opened', 'synchronize', 'reopened'];
  if (!types.includes(action)) return `pull_request ${action} is not among types [${types.join(', ')}]`;
  const base = (event.payload.pull_request as { base?: { ref?: string } } | undefined)?.base?.ref ?? '';
  if (!passes(base, filters, 'branches', 'branches-ignore')) return `the base branch ${base} is filtered out`;
  if (!pathsPass(event, filters)) return 'no changed file matches the paths filter';
  return undefined;
}

function dispatchInputs(event: GitHubEvent, filters: Filters): Record<string, Value> {
  const declared = (filters?.inputs ?? {}) as Record<
    string,
    { type?: string; default?: unknown; required?: boolean }
  >;
  const given = (event.payload.inputs ?? {}) as Record<string, unknown>;
  const inputs: Record<string, Value> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const raw = given[name] ?? spec.default;
    if (raw === undefined && spec.required) {
      throw new WorkflowRefusedError(
        `workflow_dispatch needs the input "${name}": give it in the test event.`,
      );
    }
    if (spec.type === 'boolean') inputs[name] = raw === true || raw === 'true';
    else if (spec.type === 'number') inputs[name] = raw === undefined ? null : Number(raw);
    else inputs[name] = raw === undefined ? '' : String(raw);
  }
  return inputs;
}

/** Decides whether `on:` lets the event start the workflow. */
export function decideTrigger(on: unknown, event: GitHubEvent): TriggerDecision {
  const events = eventsOf(on);
  if (!(event.name in events)) {
    return { triggered: false, reason: `the workflow does not run on ${event.name}`, inputs: {} };
  }
  const filters = events[event.name] ?? null;
  const no = (reason: string): TriggerDecision => ({ triggered: false, reason, inputs: {} });
  switch (event.name) {
    case 'push':
      return pushPasses(event, filters)
        ? { triggered: true, reason: 'push', inputs: {} }
        : no(`${event.ref} is filtered out`);
    case 'pull_request':
    case 'pull_request_target': {
      const refused = pullRequestPasses(event, filters);
      return refused
        ? no(refused)
        : { triggered: true, reason: `pull_request ${String(event.payload.action)}`, inputs: {} };
    }
    case 'schedule': {
      const crons = (Array.isArray(filters) ? filters : []).map((s: { cron?: string }) => s.cron);
      const cron = String(event.payload.schedule ?? '');
      return crons.includes(cron)
        ? { triggered: true, reason: `schedule ${cron}`, inputs: {} }
        : no(`no schedule has cron "${cron}"`);
    }
    case 'workflow_dispatch':
      return { triggered: true, reason: 'workflow_dispatch', inputs: dispatchInputs(event, filters) };
    default:
      return { triggered: true, reason: event.name, inputs: {} };
  }
}
