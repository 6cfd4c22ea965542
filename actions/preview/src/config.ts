import {
  input,
  InputError,
  parseInputs,
  quoteValue,
  type Platform,
  type PullRequestContext,
} from '@azpn/core';
import {
  azureConnectionInputs,
  optionalResourceNameInput,
  readAzureConnection,
  type AzureConnection,
} from '@azpn/azure';
import {
  deploymentNameOf,
  locationInput,
  readTemplateSources,
  regionName,
  scopeInput,
  servedScope,
  templateInputs,
} from '@azpn/action-deploy/config';
import type { DeployConfig } from '@azpn/action-deploy/config';
import { defaultPrefix, environmentName } from './environment-name.js';
import { previewStackSettings } from './preview-stack-settings.js';
import { parseTtl, ttlRule } from './ttl.js';

/** What the action does: deploy a pull request's preview, tear it down, or sweep closed and expired ones. */
export const modes = ['deploy', 'destroy', 'sweep'] as const;
export type PreviewMode = (typeof modes)[number];

const previewInputs = {
  ...templateInputs,
  mode: input.choice('mode', modes, { default: 'deploy' }),
  scope: scopeInput,
  location: locationInput,
  prefix: input.optionalString('prefix'),
  resourceGroup: optionalResourceNameInput('resource-group', 'resource group'),
  ttl: input.optionalString('ttl'),
  dryRun: input.boolean('dry-run', { default: false }),
  comment: input.boolean('comment', { default: true }),
  githubToken: input.optionalString('github-token'),
  ...azureConnectionInputs,
};

/** The repository and its code host, and the token that reaches it. */
export interface CodeHostAccess {
  repository: string;
  /** GitHub: the github-token input; Azure DevOps: System.AccessToken. */
  token?: string;
}

/**
 * Where a preview lives: its own resource group (the template deploys into it), or, at subscription scope, a
 * deployment stack named after the environment (the template makes its own groups, and the stack deletes them with
 * itself). Either carries the preview tags that teardown and the sweep go by.
 */
export interface PreviewHome {
  /** What the home is, as a sentence names it. */
  kind: 'resource group' | 'deployment stack';
  name: string;
}

/** The kind of home previews have at a scope. */
export function homeKindAt(scope: PreviewScope): PreviewHome['kind'] {
  return scope === 'subscription' ? 'deployment stack' : 'resource group';
}

/** How a sentence names the home: `resource group preview-app-pr-7`, `deployment stack preview-app-pr-7`. */
export function homeLabel(home: PreviewHome): string {
  return `${home.kind} ${home.name}`;
}

/** The pull request a deploy or teardown is for, and the environment it names. */
export interface PreviewTarget {
  pullRequest: PullRequestContext;
  environmentName: string;
  home: PreviewHome;
}

interface Common {
  connection: AzureConnection;
  host: CodeHostAccess;
  comment: boolean;
}

/** Everything the action needs, checked before any call: one shape per mode. */
export type PreviewConfig =
  | (Common & { mode: 'deploy'; target: PreviewTarget; ttlMs: number; deploy: DeployConfig })
  | (Common & { mode: 'destroy'; target: PreviewTarget })
  | (Common & { mode: 'sweep'; ttlMs: number; dryRun: boolean; scope: PreviewScope });

/** The level previews live at: resource groups, or subscription-scope deployment stacks. */
export type PreviewScope = 'resourceGroup' | 'subscription';

type Raw = ReturnType<typeof parseInputs<typeof previewInputs>>;

/** The time to live a preview gets when the ttl input is left out, as action.yml and task.json default it. */
export const defaultTtl = '7d';

function ttlOf(raw: Raw): number {
  const text = raw.ttl ?? defaultTtl;
  const ms = parseTtl(text);
  if (ms === undefined) throw new InputError('ttl', `Input ttl is ${quoteValue(text)}: ${ttlRule}.`);
  return ms;
}

/** The pull request of the run, or the sentence for a run that is for none. */
function pullRequestOf(platform: Platform, mode: PreviewMode): PullRequestContext {
  const pr = platform.context.pullRequestHead;
  if (pr === undefined)
    throw new InputError(
      'mode',
      `Input mode is ${mode}, which runs for a pull request, but this run is for none: run it on pull_request events (or a PR build), or use mode sweep.`,
    );
  return pr;
}

/** The scope, checked against the inputs it needs and refuses, before the pull request is read. */
function scopeOf(raw: Raw): PreviewScope {
  const scope = servedScope(
    raw.scope,
    (level, cli) =>
      `Input scope is ${level}: previews live in a resource group or a subscription; deploy ${level} templates with the Azure CLI (az stack ${cli}).`,
  );
  if (scope === 'subscription' && raw.resourceGroup !== undefined)
    throw new InputError(
      'resource-group',
      'Input resource-group is set, but at scope subscription the preview is a deployment stack named after the environment whose template makes its own groups: remove resource-group, or use scope resourceGroup.',
    );
  if (scope === 'subscription' && raw.mode === 'deploy' && raw.location === undefined)
    throw new InputError(
      'location',
      'Input location is not set, and a subscription-scope preview needs the region that keeps its deployment stack: set it, such as westeurope.',
    );
  return scope;
}

function targetOf(platform: Platform, raw: Raw, mode: PreviewMode, scope: PreviewScope): PreviewTarget {
  const pullRequest = pullRequestOf(platform, mode);
  const name = environmentName(raw.prefix ?? defaultPrefix(platform.context.repository), pullRequest.number);
  const home: PreviewHome = {
    kind: homeKindAt(scope),
    name: scope === 'subscription' ? name : (raw.resourceGroup ?? name),
  };
  return { pullRequest, environmentName: name, home };
}

function deployConfigOf(
  platform: Platform,
  raw: Raw,
  target: PreviewTarget,
  connection: AzureConnection,
): DeployConfig {
  if (raw.template === undefined)
    throw new InputError(
      'template',
      'Input template is required in mode deploy: give the .bicep, .bicepparam or .json template the preview deploys.',
    );
  const sources = readTemplateSources(platform, { ...raw, template: raw.template });
  const { home } = target;
  return {
    ...sources,
    ...(home.kind === 'deployment stack'
      ? { scope: { level: 'subscription' }, resourceGroup: '', stack: previewStackSettings(home.name) }
      : { scope: { level: 'resourceGroup', resourceGroup: home.name }, resourceGroup: home.name }),
    ...(raw.location ? { location: regionName(raw.location) } : {}),
    tags: {},
    deploymentName: deploymentNameOf(platform, undefined, sources.templateFile),
    mode: 'deploy',
    failOnChanges: false,
    connection,
  };
}

/** The repository and the token of the code host, the token masked at once. */
function hostOf(platform: Platform, raw: Raw): CodeHostAccess {
  const token =
    platform.context.platform === 'github' ? raw.githubToken : platform.identity.azureDevOpsAccessToken;
  if (token) platform.secrets.mask(token);
  return { repository: platform.context.repository ?? '', ...(token ? { token } : {}) };
}

/** Parses and checks every input once; the first bad one throws its sentence. */
export function readPreviewConfig(platform: Platform): PreviewConfig {
  const raw = parseInputs(platform.inputs, previewInputs);
  const ttlMs = ttlOf(raw);
  const scope = scopeOf(raw);
  const host = hostOf(platform, raw);
  if (raw.mode === 'sweep') {
    const connection = readAzureConnection(platform);
    return { mode: 'sweep', ttlMs, dryRun: raw.dryRun, scope, connection, host, comment: raw.comment };
  }
  const target = targetOf(platform, raw, raw.mode, scope);
  const connection = readAzureConnection(platform);
  if (raw.mode === 'destroy') return { mode: 'destroy', target, connection, host, comment: raw.comment };
  const deploy = deployConfigOf(platform, raw, target, connection);
  return { mode: 'deploy', target, ttlMs, deploy, connection, host, comment: raw.comment };
}
