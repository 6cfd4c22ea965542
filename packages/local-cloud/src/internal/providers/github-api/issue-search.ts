/**
 * `GET /search/issues`: GitHub's issue search over the repository the token is for, with the qualifiers a
 * capability uses to find its own issue (`repo:`, `label:`, `is:`/`type:`, `state:`, `in:`, `author:`, each
 * negatable with `-`) and free-text terms or "quoted phrases", matched without regard to case. Results hold only
 * what the token may read (issues with `issues: read`, pull requests with `pull-requests: read`).
 */
import { json, type Reply } from '../../http/exchange.js';
import { grants, paginate, sortBy, type GitHubCall } from './github-call.js';
import { docsBase, validationFailed } from './github-errors.js';
import { issueShape } from './github-shapes.js';
import { findRepository, fullNameOf, type StoredIssue, type StoredRepository } from './github-state.js';

const documentation = `${docsBase}/search/search#search-issues-and-pull-requests`;

/** A parsed query: qualifiers (with negation) and text terms. */
interface SearchQuery {
  qualifiers: { name: string; value: string; negated: boolean }[];
  terms: string[];
}

const known = new Set(['repo', 'label', 'is', 'type', 'state', 'in', 'author']);

/** Splits `q` into qualifiers and terms; an unknown `name:value` is a term, as GitHub reads it. */
export function parseSearchQuery(q: string): SearchQuery {
  const query: SearchQuery = { qualifiers: [], terms: [] };
  for (const match of q.matchAll(/(-?)([A-Za-z_]+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/g)) {
    const [, minus, name, rawValue, phrase, word] = match;
    if (name !== undefined && known.has(name.toLowerCase())) {
      const value = rawValue!.replace(/^"|"$/g, '');
      query.qualifiers.push({ name: name.toLowerCase(), value, negated: minus === '-' });
    } else {
      const term = phrase ?? word ?? match[0];
      if (term.trim()) query.terms.push(term.toLowerCase());
    }
  }
  return query;
}

function qualifierHolds(
  issue: StoredIssue,
  qualifier: { name: string; value: string },
  repository: StoredRepository,
): boolean {
  const value = qualifier.value.toLowerCase();
  switch (qualifier.name) {
    case 'repo':
      return fullNameOf(repository).toLowerCase() === value;
    case 'label':
      return issue.labels.some((l) => value.split(',').includes(l.toLowerCase()));
    case 'author':
      return issue.user.login.toLowerCase() === value;
    case 'state':
      return issue.state === value;
    case 'is':
    case 'type':
      if (value === 'open' || value === 'closed') return issue.state === value;
      if (value === 'issue') return issue.pull === undefined;
      if (value === 'pr' || value === 'pull-request') return issue.pull !== undefined;
      return false;
    default:
      return true;
  }
}

/** The text the terms are matched in: title and body unless `in:` names fields (title, body, comments). */
function searchedText(issue: StoredIssue, repository: StoredRepository, query: SearchQuery): string {
  const fields = query.qualifiers
    .filter((q) => q.name === 'in' && !q.negated)
    .flatMap((q) => q.value.toLowerCase().split(','));
  const wanted = fields.length > 0 ? fields : ['title', 'body'];
  const parts: string[] = [];
  if (wanted.includes('title')) parts.push(issue.title);
  if (wanted.includes('body')) parts.push(issue.body ?? '');
  if (wanted.includes('comments'))
    for (const c of repository.comments.values()) if (c.issueNumber === issue.number) parts.push(c.body);
  return parts.join('\n').toLowerCase();
}

function matches(issue: StoredIssue, repository: StoredRepository, query: SearchQuery): boolean {
  const qualified = query.qualifiers
    .filter((q) => q.name !== 'in')
    .every((q) => qualifierHolds(issue, q, repository) !== q.negated);
  if (!qualified) return false;
  const text = searchedText(issue, repository, query);
  return query.terms.every((term) => text.includes(term));
}

/** Searches the token's repository; a `repo:` naming another is refused as GitHub refuses it. */
export function searchIssues(call: GitHubCall): Reply {
  const q = call.exchange.query.get('q');
  if (!q) return validationFailed(documentation, { resource: 'Search', field: 'q', code: 'missing_field' });
  const query = parseSearchQuery(q);
  const repository = findRepository(call.state, call.grant.repository);
  const other = query.qualifiers.find(
    (x) => x.name === 'repo' && !x.negated && x.value.toLowerCase() !== call.grant.repository.toLowerCase(),
  );
  if (other !== undefined || repository === undefined)
    return validationFailed(
      documentation,
      { resource: 'Search', field: 'q', code: 'invalid' },
      'The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.',
    );
  const readable = [...repository.issues.values()].filter((issue) =>
    grants(call.grant, issue.pull ? 'pull-requests' : 'issues', 'read'),
  );
  const found = readable.filter((issue) => matches(issue, repository, query));
  const sort = call.exchange.query.get('sort');
  const key = (i: StoredIssue) => (sort === 'updated' ? i.updatedAt : i.createdAt);
  const ordered = sortBy({ ...call, exchange: orderAsDirection(call) }, found, key);
  const { page, headers } = paginate(call, ordered);
  const items = page.map((issue) => {
    const { closed_by: _closedBy, ...shape } = issueShape(call.urls, repository, issue);
    return { ...shape, score: 1 };
  });
  return json(
    200,
    { total_count: found.length, incomplete_results: false, items, search_type: 'lexical' },
    headers,
  );
}

/** Search spells the sort direction `order`; the shared sorter reads `direction`. */
function orderAsDirection(call: GitHubCall): GitHubCall['exchange'] {
  const query = new URLSearchParams(call.exchange.query);
  query.set('direction', query.get('order') ?? 'desc');
  return { ...call.exchange, query };
}
