import { json, type Reply } from '../../http/exchange.js';

/** The documentation GitHub Enterprise Server 3.19 links its errors to. */
export const docsBase = 'https://docs.github.com/enterprise-server@3.19/rest';

/** An error in GitHub's shape: `message`, `documentation_url`, and `status` as text. */
export function gitHubError(
  status: number,
  message: string,
  documentation: string,
  headers: Record<string, string> = {},
): Reply {
  return json(status, { message, documentation_url: documentation, status: String(status) }, headers);
}

/** GitHub's 404, also for what the token may not see (a private repository of another owner). */
export function notFound(documentation: string): Reply {
  return gitHubError(404, 'Not Found', documentation);
}

/** GitHub's 422 for a field that is missing, invalid or already taken. */
export function validationFailed(
  documentation: string,
  error: {
    resource: string;
    field: string;
    code: 'missing_field' | 'invalid' | 'already_exists' | 'custom';
    message?: string;
  },
  message = 'Validation Failed',
): Reply {
  return json(422, { message, errors: [error], documentation_url: documentation, status: '422' });
}

/** What GitHub answers a body that is not JSON. */
export function problemsParsingJson(documentation: string): Reply {
  return json(400, { message: 'Problems parsing JSON', documentation_url: documentation, status: '400' });
}
