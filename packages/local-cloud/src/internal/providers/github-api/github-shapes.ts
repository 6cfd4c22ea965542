/**
 * The stand-in's records in the shapes GitHub's REST API answers (users, repositories, labels, issues, comments,
 * pull requests), with the URLs an Enterprise Server at `server` with its API at `server/api/v3` gives them.
 */
import {
  fullNameOf,
  type GitHubActor,
  type StoredComment,
  type StoredIssue,
  type StoredLabel,
  type StoredRepository,
} from './github-state.js';

/**
 * Where the stand-in is: `server` (GITHUB_SERVER_URL), `api` (GITHUB_API_URL = server/api/v3) and `uploads`
 * (server/api/uploads, the origin of a release's `upload_url` on Enterprise Server).
 */
export interface GitHubUrls {
  server: string;
  api: string;
  uploads: string;
}

/** GitHub's legacy global node id: base64 of `0<length>:<Type><id>`. */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

/** An ISO time without milliseconds, as GitHub writes times. */
export function gitHubTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A user or bot as `simple-user`. */
export function userShape(urls: GitHubUrls, actor: GitHubActor) {
  const url = `${urls.api}/users/${encodeURIComponent(actor.login)}`;
  return {
    login: actor.login,
    id: actor.id,
    node_id: nodeId(actor.type === 'Bot' ? 'Bot' : 'User', actor.id),
    avatar_url: `${urls.server}/avatars/u/${actor.id}`,
    gravatar_id: '',
    url,
    html_url:
      actor.type === 'Bot'
        ? `${urls.server}/apps/${actor.login.replace(/\[bot\]$/, '')}`
        : `${urls.server}/${actor.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: actor.type,
    site_admin: false,
    user_view_type: 'public',
  };
}

/** A stable numeric id for a login the stand-in did not number itself (a pull request's author). */
export function actorOf(login: string): GitHubActor {
  let hash = 0;
  for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 90_000_000;
  return { login, id: 10_000_000 + hash, type: 'User' };
}

function repositoryUrls(api: string) {
  const templated = (path: string, parameter: string) => `${api}/${path}{/${parameter}}`;
  return {
    forks_url: `${api}/forks`,
    keys_url: templated('keys', 'key_id'),
    collaborators_url: templated('collaborators', 'collaborator'),
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: templated('issues/events', 'number'),
    events_url: `${api}/events`,
    assignees_url: templated('assignees', 'user'),
    branches_url: templated('branches', 'branch'),
    tags_url: `${api}/tags`,
    blobs_url: templated('git/blobs', 'sha'),
    git_tags_url: templated('git/tags', 'sha'),
    git_refs_url: templated('git/refs', 'sha'),
    trees_url: templated('git/trees', 'sha'),
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: templated('commits', 'sha'),
    git_commits_url: templated('git/commits', 'sha'),
    comments_url: templated('comments', 'number'),
    issue_comment_url: templated('issues/comments', 'number'),
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: templated('issues', 'number'),
    pulls_url: templated('pulls', 'number'),
    milestones_url: templated('milestones', 'number'),
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: templated('labels', 'name'),
    releases_url: templated('releases', 'id'),
    deployments_url: `${api}/deployments`,
  };
}

/** A repository as `repository` (the shape a pull request's head and base carry). */
export function repositoryShape(urls: GitHubUrls, repository: StoredRepository, fullName?: string) {
  const name = fullName ?? fullNameOf(repository);
  const [owner = '', short = ''] = name.split('/');
  const api = `${urls.api}/repos/${name}`;
  const host = new URL(urls.server).host;
  const time = gitHubTime(repository.createdAt);
  const open = [...repository.issues.values()].filter((i) => i.state === 'open').length;
  return {
    id: repository.id,
    node_id: nodeId('Repository', repository.id),
    name: short,
    full_name: name,
    owner: userShape(urls, actorOf(owner)),
    private: repository.private,
    html_url: `${urls.server}/${name}`,
    description: null,
    fork: fullName !== undefined && fullName !== fullNameOf(repository),
    url: api,
    ...repositoryUrls(api),
    git_url: `git://${host}/${name}.git`,
    ssh_url: `git@${host}:${name}.git`,
    clone_url: `${urls.server}/${name}.git`,
    svn_url: `${urls.server}/${name}`,
    mirror_url: null,
    homepage: null,
    language: 'Bicep',
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repository.defaultBranch,
    open_issues_count: open,
    open_issues: open,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    visibility: repository.private ? 'private' : 'public',
    license: null,
    pushed_at: time,
    created_at: time,
    updated_at: time,
  };
}

/** A label as `label`. */
export function labelShape(urls: GitHubUrls, repository: StoredRepository, label: StoredLabel) {
  return {
    id: label.id,
    node_id: nodeId('Label', label.id),
    url: `${urls.api}/repos/${fullNameOf(repository)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    description: label.description,
    default: false,
  };
}

/** The labels an issue carries, in the repository's spelling. */
function issueLabels(urls: GitHubUrls, repository: StoredRepository, issue: StoredIssue) {
  return issue.labels.flatMap((name) => {
    const label = repository.labels.get(name.toLowerCase());
    return label === undefined ? [] : [labelShape(urls, repository, label)];
  });
}

/** How many comments an issue has. */
function commentCount(repository: StoredRepository, number: number): number {
  let count = 0;
  for (const comment of repository.comments.values()) if (comment.issueNumber === number) count++;
  return count;
}

const noReactions = (url: string) => ({
  url,
  total_count: 0,
  '+1': 0,
  '-1': 0,
  laugh: 0,
  confused: 0,
  heart: 0,
  hooray: 0,
  eyes: 0,
  rocket: 0,
});

/** An issue (or a pull request seen through the issues API) as `issue`. */
export function issueShape(urls: GitHubUrls, repository: StoredRepository, issue: StoredIssue) {
  const name = fullNameOf(repository);
  const url = `${urls.api}/repos/${name}/issues/${issue.number}`;
  const page = issue.pull ? 'pull' : 'issues';
  return {
    id: issue.id,
    node_id: nodeId(issue.pull ? 'PullRequest' : 'Issue', issue.id),
    url,
    repository_url: `${urls.api}/repos/${name}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${urls.server}/${name}/${page}/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: userShape(urls, issue.user),
    labels: issueLabels(urls, repository, issue),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: issue.locked,
    active_lock_reason: null,
    comments: commentCount(repository, issue.number),
    ...(issue.pull
      ? {
          pull_request: {
            url: `${urls.api}/repos/${name}/pulls/${issue.number}`,
            html_url: `${urls.server}/${name}/pull/${issue.number}`,
            diff_url: `${urls.server}/${name}/pull/${issue.number}.diff`,
            patch_url: `${urls.server}/${name}/pull/${issue.number}.patch`,
            merged_at: issue.pull.mergedAt === null ? null : gitHubTime(issue.pull.mergedAt),
          },
          draft: issue.pull.draft,
        }
      : {}),
    closed_at: issue.closedAt === null ? null : gitHubTime(issue.closedAt),
    created_at: gitHubTime(issue.createdAt),
    updated_at: gitHubTime(issue.updatedAt),
    closed_by: issue.closedBy === null ? null : userShape(urls, issue.closedBy),
    author_association: issue.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    reactions: noReactions(`${url}/reactions`),
  };
}

/** An issue comment as `issue-comment`. */
export function commentShape(urls: GitHubUrls, repository: StoredRepository, comment: StoredComment) {
  const name = fullNameOf(repository);
  const issue = repository.issues.get(comment.issueNumber);
  const page = issue?.pull ? 'pull' : 'issues';
  const url = `${urls.api}/repos/${name}/issues/comments/${comment.id}`;
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url,
    html_url: `${urls.server}/${name}/${page}/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: userShape(urls, comment.user),
    created_at: gitHubTime(comment.createdAt),
    updated_at: gitHubTime(comment.updatedAt),
    issue_url: `${urls.api}/repos/${name}/issues/${comment.issueNumber}`,
    author_association: comment.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    performed_via_github_app: null,
    reactions: noReactions(`${url}/reactions`),
  };
}

function branchShape(
  urls: GitHubUrls,
  repository: StoredRepository,
  fullName: string,
  ref: string,
  sha: string,
) {
  const owner = fullName.split('/')[0] ?? '';
  return {
    label: `${owner}:${ref}`,
    ref,
    sha,
    user: userShape(urls, actorOf(owner)),
    repo: repositoryShape(urls, repository, fullName),
  };
}

/** A pull request as `pull-request` (`full`) or `pull-request-simple` (in lists). */
export function pullShape(urls: GitHubUrls, repository: StoredRepository, issue: StoredIssue, full: boolean) {
  const pull = issue.pull!;
  const name = fullNameOf(repository);
  const api = `${urls.api}/repos/${name}`;
  const url = `${api}/pulls/${issue.number}`;
  const html = `${urls.server}/${name}/pull/${issue.number}`;
  const shape = {
    url,
    id: issue.id,
    node_id: nodeId('PullRequest', issue.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${issue.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    statuses_url: `${api}/statuses/${pull.headSha}`,
    number: issue.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: userShape(urls, issue.user),
    body: issue.body,
    labels: issueLabels(urls, repository, issue),
    milestone: null,
    active_lock_reason: null,
    created_at: gitHubTime(issue.createdAt),
    updated_at: gitHubTime(issue.updatedAt),
    closed_at: issue.closedAt === null ? null : gitHubTime(issue.closedAt),
    merged_at: pull.mergedAt === null ? null : gitHubTime(pull.mergedAt),
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branchShape(urls, repository, pull.headRepository, pull.headRef, pull.headSha),
    base: branchShape(urls, repository, name, pull.baseRef, pull.baseSha),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: `${api}/issues/${issue.number}` },
      comments: { href: `${api}/issues/${issue.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${pull.headSha}` },
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: pull.draft,
  };
  if (!full) return shape;
  return {
    ...shape,
    merged: pull.merged,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: commentCount(repository, issue.number),
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}
