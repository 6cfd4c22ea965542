/**
 * `@azpn/code-host`: pull requests and sticky pull request comments on GitHub (issue comments, through
 * `@actions/github`) and Azure Repos (comment threads, through `azure-devops-node-api`), behind one interface, with
 * the write rules that keep one comment per pull request showing the newest head commit under concurrent runs.
 */
export { writeStickyComment, stickyAuthorOf, stickyHeader } from './sticky-comment.js';
export type { CommentStore, StickyAuthor, StickyResult, StoredComment } from './sticky-comment.js';
export { CodeHostError, codeHostRefusal } from './pull-request-host.js';
export type { PullRequestHost, PullRequestState } from './pull-request-host.js';
export { gitHubPullRequests, type GitHubTarget } from './github-host.js';
export { azureReposPullRequests, type AzureReposTarget } from './azure-repos-host.js';
