/**
 * What a run knows about itself: the `github` and `runner` contexts, and the `GITHUB_*`/`RUNNER_*` variables
 * the runner sets for every step, from the event, the options and the job.
 */
import { toValue, type Value } from '../expressions/values.js';
import { eventRepository, type GitHubEvent } from './events.js';

/** The run-wide facts shared by every job. */
export interface RunFacts {
  workflowName: string;
  workflowPath: string;
  event: GitHubEvent;
  workspace: string;
  /** The run's scratch folder. */
  runDir: string;
  eventPath: string;
  runId: number;
  runNumber: number;
  runAttempt: number;
  serverUrl: string;
  apiUrl: string;
  graphqlUrl: string;
}

function refFacts(event: GitHubEvent): {
  refName: string;
  refType: string;
  headRef: string;
  baseRef: string;
} {
  const pr = event.payload.pull_request as { head?: { ref?: string }; base?: { ref?: string } } | undefined;
  const refName = event.ref.replace(/^refs\/(heads|tags|pull)\//, '');
  return {
    refName,
    refType: event.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    headRef: pr?.head?.ref ?? '',
    baseRef: pr?.base?.ref ?? '',
  };
}

function actorOf(event: GitHubEvent): string {
  return (event.payload.sender as { login?: string } | undefined)?.login ?? 'octocat';
}

/** The `github` context of a job. */
export function githubContext(facts: RunFacts, job: string, token: string): Value {
  const { event } = facts;
  const repository = eventRepository(event);
  const refs = refFacts(event);
  return toValue({
    event_name: event.name,
    event: event.payload,
    event_path: facts.eventPath,
    ref: event.ref,
    ref_name: refs.refName,
    ref_type: refs.refType,
    sha: event.sha,
    head_ref: refs.headRef,
    base_ref: refs.baseRef,
    repository,
    repository_owner: repository.split('/')[0],
    repositoryUrl: `git://${new URL(facts.serverUrl).host}/${repository}.git`,
    run_id: String(facts.runId),
    run_number: String(facts.runNumber),
    run_attempt: String(facts.runAttempt),
    actor: actorOf(event),
    triggering_actor: actorOf(event),
    workflow: facts.workflowName,
    workflow_ref: `${repository}/${facts.workflowPath}@${event.ref}`,
    job,
    workspace: facts.workspace,
    server_url: facts.serverUrl,
    api_url: facts.apiUrl,
    graphql_url: facts.graphqlUrl,
    token,
    retention_days: '90',
  });
}

/** The `runner` context. */
export function runnerContext(temp: string): Value {
  return {
    os: 'Linux',
    arch: 'X64',
    name: 'azpn-workflow-executor',
    temp,
    tool_cache: temp,
    environment: 'github-hosted',
    debug: '',
  };
}

/** The variables the runner sets for every step of a job. */
export function runnerVariables(facts: RunFacts, job: string, temp: string): Record<string, string> {
  const { event } = facts;
  const repository = eventRepository(event);
  const refs = refFacts(event);
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: actorOf(event),
    GITHUB_TRIGGERING_ACTOR: actorOf(event),
    GITHUB_API_URL: facts.apiUrl,
    GITHUB_BASE_REF: refs.baseRef,
    GITHUB_HEAD_REF: refs.headRef,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: facts.eventPath,
    GITHUB_GRAPHQL_URL: facts.graphqlUrl,
    GITHUB_JOB: job,
    GITHUB_REF: event.ref,
    GITHUB_REF_NAME: refs.refName,
    GITHUB_REF_TYPE: refs.refType,
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0] ?? '',
    GITHUB_RUN_ATTEMPT: String(facts.runAttempt),
    GITHUB_RUN_ID: String(facts.runId),
    GITHUB_RUN_NUMBER: String(facts.runNumber),
    GITHUB_SERVER_URL: facts.serverUrl,
    GITHUB_SHA: event.sha,
    GITHUB_WORKFLOW: facts.workflowName,
    GITHUB_WORKFLOW_REF: `${repository}/${facts.workflowPath}@${event.ref}`,
    GITHUB_WORKSPACE: facts.workspace,
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'azpn-workflow-executor',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: temp,
    RUNNER_ENVIRONMENT: 'github-hosted',
  };
}
