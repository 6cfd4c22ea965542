import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { Logger } from '@azpn/core';

/** A request and the status it got, as `lastResponse()` reports it. */
export interface ArmExchange {
  method: string;
  url: string;
  status: number;
  /** `x-ms-correlation-request-id` ARM answered with, when it did. */
  correlationId?: string;
  /**
   * The body of a failed answer (HTTP 400 and above), which holds ARM's error tree: a long-running operation that
   * fails at once (a validation answered 400) reaches the caller with none of it.
   */
  errorBody?: string;
}

/**
 * Runs once per attempt (after the retry policy), so a 429 the SDK retries is logged as well as the final
 * failure. Every exchange is recorded; failures are logged, the response body only at debug. Request bodies are
 * never logged, not even at debug: a deployment's carries its parameters, secure ones included, and a container
 * group's its secure environment.
 */
export function failedRequestPolicy(log: Logger, record: (exchange: ArmExchange) => void): PipelinePolicy {
  return {
    name: 'azpnFailedRequestLog',
    async sendRequest(request, next) {
      const response = await next(request);
      const correlationId = response.headers.get('x-ms-correlation-request-id');
      const failure: ArmExchange = {
        method: request.method,
        url: request.url,
        status: response.status,
        ...(correlationId ? { correlationId } : {}),
        ...errorBodyOf(response.status, response.bodyAsText),
      };
      record(failure);
      if (response.status < 400) return response;
      const retryAfter = response.headers.get('retry-after');
      if (response.status === 429 && retryAfter) {
        log.info(`Azure Resource Manager is throttling requests; retrying after ${retryAfter}s as it asks.`);
      }
      log.debug(
        `${failure.method} ${failure.url} answered HTTP ${failure.status}${correlationId ? ` (correlation id ${correlationId})` : ''}`,
      );
      if (response.bodyAsText) log.debug(`response body: ${response.bodyAsText}`);
      return response;
    },
  };
}

/**
 * The error body of an answer: a failed request's body, or a long-running operation's status that says it
 * failed (`{ "status": "Failed", "error": … }`), which the SDK turns into an error without it.
 */
function errorBodyOf(status: number, body: string | null | undefined): { errorBody?: string } {
  if (!body) return {};
  if (status >= 400) return { errorBody: body };
  if (!body.includes('"Failed"')) return {};
  try {
    const parsed = JSON.parse(body) as {
      status?: unknown;
      error?: unknown;
      properties?: { error?: unknown };
    };
    const error = parsed.error ?? parsed.properties?.error;
    return parsed.status === 'Failed' && error ? { errorBody: JSON.stringify({ error }) } : {};
  } catch {
    return {};
  }
}
