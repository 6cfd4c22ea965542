import type { PipelinePolicy, PipelineRequest } from '@azure/core-rest-pipeline';
import type { Logger } from '@azpn/core';

/** A request and the status it got, as `lastResponse()` reports it. */
export interface ArmExchange {
  method: string;
  url: string;
  status: number;
  /** `x-ms-correlation-request-id` ARM answered with, when it did. */
  correlationId?: string;
}

/**
 * Runs once per attempt (after the retry policy), so a 429 the SDK retries is logged as well as the final
 * failure. Every exchange is recorded; failures are logged, bodies only at debug (a deployment's request
 * body can hold secure parameters).
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
      const body = requestBody(request);
      if (body) log.debug(`request body: ${body}`);
      if (response.bodyAsText) log.debug(`response body: ${response.bodyAsText}`);
      return response;
    },
  };
}

function requestBody(request: PipelineRequest): string | undefined {
  return typeof request.body === 'string' ? request.body : undefined;
}
