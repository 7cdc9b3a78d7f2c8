/** The error types the Messages API answers with, each with its status. */
export const anthropicErrorStatuses = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
} as const;

/** An error type of the Messages API (`error.type` in an error body). */
export type AnthropicErrorType = keyof typeof anthropicErrorStatuses;

/** The body of every error response: `{"type":"error","error":{"type","message"},"request_id"}`. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id: string;
}

const defaultMessages: Record<AnthropicErrorType, string> = {
  invalid_request_error: 'Invalid request',
  authentication_error: 'invalid x-api-key',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'Not found',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit',
  api_error: 'Internal server error',
  overloaded_error: 'Overloaded',
};

const typeOfStatus = new Map<number, AnthropicErrorType>(
  Object.entries(anthropicErrorStatuses).map(([type, status]) => [status, type as AnthropicErrorType]),
);

/**
 * The one status → error-type mapping of the project (the mock's answers and the relay's own errors): the API's
 * documented pairs, then `api_error` for any other 5xx and `invalid_request_error` for any other status.
 *
 * 503 is `api_error`: the API documents no 503, and every undocumented 5xx is the generic server error here.
 * `overloaded_error` is its word for 529 (the upstream's own capacity), and clients that read `error.type` take it to
 * mean that. A bare 503 says only "not now"; a caller that does mean overload (the relay with every account cooling
 * down) passes `overloaded_error` itself instead of having it guessed from the status.
 */
export function errorTypeForStatus(status: number): AnthropicErrorType {
  return typeOfStatus.get(status) ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** The message the mock puts in an error body when none is given. */
export function defaultErrorMessage(type: string): string {
  return defaultMessages[type as AnthropicErrorType] ?? type;
}

/** An error body in the API's shape. */
export function anthropicErrorBody(type: string, message: string, requestId: string): AnthropicErrorBody {
  return { type: 'error', error: { type, message }, request_id: requestId };
}
