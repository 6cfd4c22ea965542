/**
 * The GitHub REST stand-in at `/api/v3`, and its uploads origin at `/api/uploads`, as GitHub Enterprise Server
 * serves them: a job token (`Authorization: token …` or `Bearer …`) is checked, its rate-limit window counted, the
 * call routed to the repository the token is for (any other repository is GitHub's 404), and GitHub's headers added
 * to the answer.
 */
import type { MountContext } from '../../cloud-plugin.js';
import { json, type Exchange, type Reply } from '../../http/exchange.js';
import { assetRoutes, uploadRoutes } from './asset-routes.js';
import { commentRoutes } from './comment-routes.js';
import { gitRefRoutes } from './git-ref-routes.js';
import { isReply, type GitHubCall, type RepositoryRoute } from './github-call.js';
import { docsBase, gitHubError, notFound, problemsParsingJson } from './github-errors.js';
import { rateLimitOverview, spendRate } from './github-rate-limit.js';
import { repositoryShape, type GitHubUrls } from './github-shapes.js';
import { findRepository, gitHubStateOf, type GitHubApiState, type JobTokenGrant } from './github-state.js';
import { searchIssues } from './issue-search.js';
import { issueRoutes } from './issue-routes.js';
import { labelRoutes } from './label-routes.js';
import { pullRoutes } from './pull-routes.js';
import { releaseRoutes } from './release-routes.js';

/** What GHES 3.19 answers on every call besides the rate limit. */
const versionHeaders = {
  'x-github-api-version-selected': '2022-11-28',
  'x-github-enterprise-version': '3.19.0',
};

const repositoryRoutes: RepositoryRoute[] = [
  ...issueRoutes,
  ...commentRoutes,
  ...labelRoutes,
  ...pullRoutes,
  ...releaseRoutes,
  ...assetRoutes,
  ...gitRefRoutes,
];

/**
 * Every operation the stand-in serves, as GitHub's OpenAPI description names its path, so a test can check each
 * one's answers against the description.
 */
export function gitHubOperations(): { method: string; path: string }[] {
  return [
    { method: 'GET', path: '/repos/{owner}/{repo}' },
    ...[...repositoryRoutes, ...uploadRoutes].map((r) => ({
      method: r.method,
      path: `/repos/{owner}/{repo}${r.template}`,
    })),
    { method: 'GET', path: '/search/issues' },
    { method: 'GET', path: '/rate_limit' },
  ];
}

/** The URLs of the stand-in in the cloud at `baseUrl`. */
export function gitHubUrls(baseUrl: string): GitHubUrls {
  return { server: baseUrl, api: `${baseUrl}/api/v3`, uploads: `${baseUrl}/api/uploads` };
}

/** The grant of the call's token, or GitHub's 401. */
function authenticate(exchange: Exchange, state: GitHubApiState): JobTokenGrant | Reply {
  const header = String(exchange.headers.authorization ?? '');
  const token = /^(?:token|bearer)\s+(\S+)$/i.exec(header)?.[1];
  if (!header)
    return gitHubError(401, 'Requires authentication', `${docsBase}/overview/authenticating-to-the-rest-api`);
  const grant = token === undefined ? undefined : state.tokens.get(token);
  return grant ?? gitHubError(401, 'Bad credentials', `${docsBase}`);
}

/** The parsed JSON body, undefined when there is none, or GitHub's 400 when it is not JSON. */
function parseBody(exchange: Exchange): { body: unknown } | Reply {
  if (!exchange.bodyText.trim()) return { body: undefined };
  try {
    return { body: JSON.parse(exchange.bodyText) as unknown };
  } catch {
    return problemsParsingJson(docsBase);
  }
}

function serveRepository(
  call: GitHubCall,
  owner: string,
  name: string,
  rest: string,
  routes: RepositoryRoute[],
): Reply {
  const repository = findRepository(call.state, `${owner}/${name}`);
  // An installation token sees only its repository: any other is not found, as for a private one.
  if (repository === undefined || call.grant.repository.toLowerCase() !== `${owner}/${name}`.toLowerCase())
    return notFound(`${docsBase}/repos/repos#get-a-repository`);
  if (rest === '' && call.exchange.method === 'GET' && routes === repositoryRoutes)
    return json(200, {
      ...repositoryShape(call.urls, repository),
      has_discussions: false,
      subscribers_count: 0,
      network_count: 0,
    });
  for (const route of routes) {
    const match = route.path.exec(rest);
    if (match === null || route.method !== call.exchange.method) continue;
    return route.handle({ ...call, repository, params: match.slice(1) });
  }
  return notFound(docsBase);
}

const repositoryPath = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/;

function route(call: GitHubCall, subPath: string): Reply {
  const repository = repositoryPath.exec(subPath);
  if (repository !== null)
    return serveRepository(call, repository[1]!, repository[2]!, repository[3] ?? '', repositoryRoutes);
  if (subPath === '/search/issues' && call.exchange.method === 'GET') return searchIssues(call);
  return notFound(docsBase);
}

/** A call on the uploads origin: only a repository's release assets, whose body is the file, not JSON. */
function routeUpload(call: GitHubCall, subPath: string): Reply {
  const repository = repositoryPath.exec(subPath);
  if (repository === null) return notFound(docsBase);
  return serveRepository(call, repository[1]!, repository[2]!, repository[3] ?? '', uploadRoutes);
}

/**
 * Answers one call under `/api`: the REST API under `/v3`, release asset uploads under `/uploads`, as Enterprise
 * Server serves them.
 */
export function serveGitHub(exchange: Exchange, subPath: string, context: MountContext): Reply {
  const api = /^\/v3(\/.*)?$/.exec(subPath);
  if (api !== null) return serveGitHubApi(exchange, api[1] ?? '', context);
  const uploads = /^\/uploads(\/.*)$/.exec(subPath);
  if (uploads !== null) return serveGitHubApi(exchange, uploads[1]!, context, 'uploads');
  return withHeaders(notFound(docsBase), exchange, {});
}

/** Answers one call under `/api/v3` (or, with `origin: 'uploads'`, under `/api/uploads`). */
function serveGitHubApi(
  exchange: Exchange,
  subPath: string,
  context: MountContext,
  origin: 'api' | 'uploads' = 'api',
): Reply {
  const state = gitHubStateOf(context.store);
  const now = context.now();
  const grant = authenticate(exchange, state);
  if (isReply(grant)) return withHeaders(grant, exchange, {});
  if (subPath === '/rate_limit' && exchange.method === 'GET')
    return withHeaders(rateLimitOverview(grant, now), exchange, {});
  const rate = spendRate(grant, subPath.startsWith('/search/') ? 'search' : 'core', now);
  if (rate.refusal) return withHeaders(rate.refusal, exchange, rate.headers);
  const parsed = origin === 'uploads' ? { body: undefined } : parseBody(exchange);
  if (isReply(parsed)) return withHeaders(parsed, exchange, rate.headers);
  const call: GitHubCall = {
    exchange,
    urls: gitHubUrls(context.baseUrl),
    state,
    grant,
    now,
    body: parsed.body,
    params: [],
  };
  const answer = origin === 'uploads' ? routeUpload(call, subPath) : route(call, subPath);
  return withHeaders(answer, exchange, rate.headers);
}

function withHeaders(reply: Reply, exchange: Exchange, rate: Record<string, string>): Reply {
  if ('reset' in reply) return reply;
  return {
    ...reply,
    headers: { ...versionHeaders, 'x-github-request-id': exchange.requestId, ...rate, ...reply.headers },
  };
}
