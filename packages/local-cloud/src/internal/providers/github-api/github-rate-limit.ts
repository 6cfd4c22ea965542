/**
 * GitHub's primary rate limit, per job token and resource: `core` (1,000 requests an hour for a workflow's
 * `GITHUB_TOKEN`) and `search` (30 a minute), reported in `x-ratelimit-*` headers on every answer; past the limit,
 * GitHub's 403 (or 429) with `x-ratelimit-remaining: 0` until the window resets.
 */
import { json, type Reply } from '../../http/exchange.js';
import { docsBase } from './github-errors.js';
import type { JobTokenGrant, RateWindow } from './github-state.js';

/** The resources a call counts against. */
export type RateResource = 'core' | 'search';

/** GitHub's sizes: a job token's core budget per hour, and the search budget per minute. */
export const defaultRateLimits = { core: 1000, search: 30 } as const;

/** A fresh window of `limit` calls over `seconds`, starting now. */
export function rateWindow(limit: number, seconds: number, now: number): RateWindow {
  return { limit, used: 0, resetAt: Math.ceil(now / 1000) + seconds, seconds };
}

function refresh(window: RateWindow, now: number): void {
  if (now / 1000 < window.resetAt) return;
  window.used = 0;
  window.resetAt = Math.ceil(now / 1000) + window.seconds;
}

/** The `x-ratelimit-*` headers of a window. */
export function rateHeaders(window: RateWindow, resource: RateResource): Record<string, string> {
  return {
    'x-ratelimit-limit': String(window.limit),
    'x-ratelimit-remaining': String(Math.max(0, window.limit - window.used)),
    'x-ratelimit-used': String(window.used),
    'x-ratelimit-reset': String(window.resetAt),
    'x-ratelimit-resource': resource,
  };
}

/**
 * Counts one call against the grant's window for `resource`: answers the headers to send, and the refusal when the
 * window is spent (the call is then not counted).
 */
export function spendRate(
  grant: JobTokenGrant,
  resource: RateResource,
  now: number,
): { headers: Record<string, string>; refusal?: Reply } {
  const window = grant.rate[resource];
  refresh(window, now);
  if (window.used >= window.limit) {
    const headers = rateHeaders(window, resource);
    const message = `API rate limit exceeded for installation ID ${grant.installationId}.`;
    const body = {
      message,
      documentation_url: `${docsBase}/using-the-rest-api/rate-limits-for-the-rest-api`,
      status: String(grant.rateLimitStatus),
    };
    return { headers, refusal: json(grant.rateLimitStatus, body, headers) };
  }
  window.used += 1;
  return { headers: rateHeaders(window, resource) };
}

/** `GET /rate_limit`: the grant's windows, which this call does not count against. */
export function rateLimitOverview(grant: JobTokenGrant, now: number): Reply {
  const describe = (resource: RateResource) => {
    const window = grant.rate[resource];
    refresh(window, now);
    return {
      limit: window.limit,
      remaining: Math.max(0, window.limit - window.used),
      reset: window.resetAt,
      used: window.used,
      resource,
    };
  };
  const core = describe('core');
  return json(
    200,
    { resources: { core, search: describe('search') }, rate: core },
    rateHeaders(grant.rate.core, 'core'),
  );
}
