import { ApiError } from './api-error.js';
import type { RequestLog } from './request-log.js';

/** An unexpected failure is logged with its stack; an expected 5xx answer (503: store down, accounts busy) in a line. */
export function logFailure(log: RequestLog, error: unknown, apiError: ApiError): void {
  // toApiError maps every failure it knows to its own status; only the unknown ones become a bare 500.
  if (!(error instanceof ApiError) && apiError.statusCode === 500) log.error({ err: error }, 'request failed');
  else if (apiError.statusCode >= 500)
    log.warn({ status: apiError.statusCode, error: apiError.message }, 'request refused');
}
