import type { CloudPlugin } from '../../cloud-plugin.js';
import { serveGitHubAdmin } from './github-admin.js';
import { gitHubUrls, serveGitHub } from './github-router.js';
import { gitHubAdminState, gitHubSnapshot } from './github-snapshot.js';

/**
 * The GitHub REST stand-in, served as GitHub Enterprise Server serves its API (`GITHUB_API_URL` = `<cloud>/api/v3`,
 * release uploads at `<cloud>/api/uploads`): issues, issue comments, labels, pull requests, issue search, releases
 * with their assets, and git refs and tags, for the repository a job token is for, with the token's permissions and
 * GitHub's rate limits. Tests mint job tokens and seed pull requests and pushed refs through its admin calls.
 */
export const gitHubApiPlugin: CloudPlugin = {
  name: 'github-api',
  mount: { prefix: '/api', serve: serveGitHub },
  admin: serveGitHubAdmin,
  adminState: (context) => gitHubAdminState(context.store),
  snapshot: gitHubSnapshot,
  describe: (context) => {
    const urls = gitHubUrls(context.baseUrl);
    return { serverUrl: urls.server, apiUrl: urls.api, uploadUrl: urls.uploads };
  },
};
