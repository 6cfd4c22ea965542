/**
 * What a route of the GitHub stand-in is handed (the caller's token grant, the repository, the parsed body) and the
 * checks and paging every route shares: the token's permission for the target, GitHub's page/per_page with a `Link`
 * header.
 */
import type { Exchange, Reply } from '../../http/exchange.js';
import { gitHubError } from './github-errors.js';
import type { GitHubUrls } from './github-shapes.js';
import type {
  GitHubApiState,
  JobTokenGrant,
  PermissionLevel,
  StoredIssue,
  StoredRepository,
} from './github-state.js';

/** One authenticated call. */
export interface GitHubCall {
  exchange: Exchange;
  urls: GitHubUrls;
  state: GitHubApiState;
  grant: JobTokenGrant;
  /** The cloud's clock, in milliseconds. */
  now: number;
  /** The request body, parsed (undefined when there is none). */
  body: unknown;
  /** The path's captures after the repository's owner and name. */
  params: string[];
}

/** A call on one repository the token may see. */
export interface RepositoryCall extends GitHubCall {
  repository: StoredRepository;
}

/** True for a reply a lookup answered instead of the record (a 404). */
export function isReply(value: object): value is Reply {
  return 'status' in value || 'reset' in value;
}

/** The scopes of `permissions:` the stand-in's routes check. */
export type PermissionScope = 'issues' | 'pull-requests' | 'contents';

/** Whether the grant has `level` (write includes read) for `scope`. */
export function grants(grant: JobTokenGrant, scope: PermissionScope, level: PermissionLevel): boolean {
  const held = grant.permissions[scope];
  return held === 'write' || (held === 'read' && level === 'read');
}

/** The scope that guards an issue or a pull request's conversation. */
export function scopeOf(issue: StoredIssue | undefined): PermissionScope {
  return issue?.pull ? 'pull-requests' : 'issues';
}

/**
 * GitHub's 403 for a job token without the permission: `Resource not accessible by integration`, with the
 * permissions that would have been accepted in `x-accepted-github-permissions`.
 */
export function requirePermission(
  call: GitHubCall,
  scopes: PermissionScope[],
  level: PermissionLevel,
  documentation: string,
): Reply | undefined {
  if (scopes.some((scope) => grants(call.grant, scope, level))) return undefined;
  const accepted = scopes.map((s) => `${s.replace('-', '_')}=${level}`).join('; ');
  return gitHubError(403, 'Resource not accessible by integration', documentation, {
    'x-accepted-github-permissions': accepted,
  });
}

/** An integer query parameter within bounds, or the default. */
function queryInteger(call: GitHubCall, name: string, fallback: number, max: number): number {
  const value = Number.parseInt(call.exchange.query.get(name) ?? '', 10);
  if (!Number.isFinite(value) || value < 1) return fallback;
  return Math.min(value, max);
}

/**
 * One page of `items` (GitHub's `page` and `per_page`, 30 by default, 100 at most) with the `Link` header that
 * names the next, last, first and previous pages, as Octokit's paginate follows it.
 */
export function paginate<T>(call: GitHubCall, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = queryInteger(call, 'per_page', 30, 100);
  const page = queryInteger(call, 'page', 1, Number.MAX_SAFE_INTEGER);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams(call.exchange.query);
    query.set('per_page', String(perPage));
    query.set('page', String(n));
    return `<${call.urls.server}${call.exchange.path}?${query.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  };
}

/**
 * Sorts by `key` (a time, a count), in the call's `direction` (`desc` unless `asc` is the route's default), ties
 * in the order of their ids.
 */
export function sortBy<T extends { id: number }>(
  call: GitHubCall,
  items: T[],
  key: (item: T) => number,
  defaultDirection: 'asc' | 'desc' = 'desc',
): T[] {
  const direction = call.exchange.query.get('direction') ?? defaultDirection;
  const sign = direction === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => sign * (key(a) - key(b) || a.id - b.id));
}

/** A route under `/repos/{owner}/{repo}`: method, path pattern after it, GitHub's path template, and the handler. */
export interface RepositoryRoute {
  method: string;
  path: RegExp;
  /** The path after `/repos/{owner}/{repo}` as GitHub's OpenAPI description writes it (`/issues/{issue_number}`). */
  template: string;
  handle(call: RepositoryCall): Reply;
}
