import { StoreUnavailableError } from '@relay/session-store';

/** The error types of the Anthropic API, as clients (and the SDK's error classes) know them. */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

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
  return JSON.stringify({ type: 'error', error: { type: errorType, message }, request_id: requestId });
}

/** The error type the API uses for an HTTP status the relay answers with. */
export function errorTypeForStatus(statusCode: number): ApiErrorType {
  switch (statusCode) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
    case 431:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      return statusCode >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** Maps anything thrown on the request path to the Anthropic error the client should see. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  if (error instanceof StoreUnavailableError) {
    return new ApiError(503, 'api_error', 'the session store is unavailable; try again shortly', {
      'retry-after': '1',
    });
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return new ApiError(statusCode, errorTypeForStatus(statusCode), (error as Error).message);
  }
  return new ApiError(500, 'api_error', 'the relay failed to handle the request');
}
