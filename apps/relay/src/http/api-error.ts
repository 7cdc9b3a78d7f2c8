import { type AnthropicErrorType, anthropicErrorBody, errorTypeForStatus } from '@relay/mock-anthropic/api-errors';
import { StoreUnavailableError } from '@relay/session-store';

// The API's error vocabulary (types, statuses, body shape) is owned by @relay/mock-anthropic, the package that models
// the API; its `api-errors` entry holds nothing else, so the relay shares the one mapping without loading the mock.

/** The error types of the Anthropic API, as clients (and the SDK's error classes) know them. */
export type ApiErrorType = AnthropicErrorType;

/** An error the relay itself answers with, in the Anthropic error shape and status. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorType: ApiErrorType,
    message: string,
    /** Extra response headers (`retry-after`, `x-should-retry`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The JSON body of an error response: `{"type":"error","error":{...},"request_id":...}`. */
export function apiErrorBody(errorType: ApiErrorType, message: string, requestId: string): string {
  return JSON.stringify(anthropicErrorBody(errorType, message, requestId));
}

/** Maps anything thrown on the request path to the Anthropic error the client should see. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreUnavailableError) {
    return new ApiError(503, 'api_error', 'the session store is unavailable; try again shortly', {
      'retry-after': '1',
    });
  }
  const statusCode = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return new ApiError(statusCode, errorTypeForStatus(statusCode), (error as Error).message);
  }
  return new ApiError(500, 'api_error', 'the relay failed to handle the request');
}
