import { messages } from './messages.js';

/**
 * Errors a user can act on. Anything thrown as a {@link UserFacingError} is shown as its sentence alone;
 * everything else is treated as a bug and shown with a hint to report it.
 */
export class UserFacingError extends Error {
  /** The ARM or service error code, when there is one. */
  readonly code: string | undefined;
  /** `x-ms-correlation-request-id` of the failing request, when there is one. */
  readonly correlationId: string | undefined;

  constructor(sentence: string, options: { code?: string; correlationId?: string; cause?: unknown } = {}) {
    super(sentence, { cause: options.cause });
    this.name = 'UserFacingError';
    this.code = options.code;
    this.correlationId = options.correlationId;
  }
}

/** A bad input: raised before any Azure call is made. */
export class InputError extends UserFacingError {
  /** The input's name as the action manifest spells it. */
  readonly input: string;

  constructor(input: string, sentence: string) {
    super(sentence);
    this.name = 'InputError';
    this.input = input;
  }
}

/**
 * The one line a failed step reports: the sentence, then the code and correlation id when known.
 */
export function formatFailure(error: unknown): string {
  if (error instanceof UserFacingError) {
    const tail = [
      error.code ? `code: ${error.code}` : undefined,
      error.correlationId ? `correlation id: ${error.correlationId}` : undefined,
    ].filter(Boolean);
    return tail.length > 0 ? `${error.message} (${tail.join(', ')})` : error.message;
  }
  return messages.unexpectedFailure(error instanceof Error ? error.message : String(error));
}
