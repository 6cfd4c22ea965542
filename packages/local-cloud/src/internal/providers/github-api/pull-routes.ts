/** Pull requests: list (state, head, base, sort) and get. They are seeded and changed through the admin API. */
import { json, type Reply } from '../../http/exchange.js';
import {
  paginate,
  requirePermission,
  sortBy,
  type RepositoryCall,
  type RepositoryRoute,
} from './github-call.js';
import { docsBase, notFound, validationFailed } from './github-errors.js';
import { pullShape } from './github-shapes.js';
import type { StoredIssue } from './github-state.js';

const docs = {
  list: `${docsBase}/pulls/pulls#list-pull-requests`,
  get: `${docsBase}/pulls/pulls#get-a-pull-request`,
};

function listPulls(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['pull-requests'], 'read', docs.list);
  if (refused) return refused;
  const query = call.exchange.query;
  const state = query.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state))
    return validationFailed(docs.list, { resource: 'PullRequest', field: 'state', code: 'invalid' });
  const head = query.get('head')?.toLowerCase();
  const base = query.get('base');
  const pulls = [...call.repository.issues.values()].filter(
    (issue) =>
      issue.pull !== undefined &&
      (state === 'all' || issue.state === state) &&
      (head === undefined ||
        `${issue.pull.headRepository.split('/')[0]}:${issue.pull.headRef}`.toLowerCase() === head) &&
      (base === null || issue.pull.baseRef === base),
  );
  const key = (issue: StoredIssue) => (query.get('sort') === 'updated' ? issue.updatedAt : issue.createdAt);
  const { page, headers } = paginate(call, sortBy(call, pulls, key));
  return json(
    200,
    page.map((issue) => pullShape(call.urls, call.repository, issue, false)),
    headers,
  );
}

function getPull(call: RepositoryCall): Reply {
  const refused = requirePermission(call, ['pull-requests'], 'read', docs.get);
  if (refused) return refused;
  const issue = call.repository.issues.get(Number(call.params[0]));
  if (issue?.pull === undefined) return notFound(docs.get);
  return json(200, pullShape(call.urls, call.repository, issue, true));
}

/** The pull request routes under `/repos/{owner}/{repo}`. */
export const pullRoutes: RepositoryRoute[] = [
  { method: 'GET', path: /^\/pulls$/, template: '/pulls', handle: listPulls },
  { method: 'GET', path: /^\/pulls\/(\d+)$/, template: '/pulls/{pull_number}', handle: getPull },
];
