import { errorTypeForStatus } from '@relay/mock-anthropic/api-errors';
import { StoreUnavailableError } from '@relay/session-store';
import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorBody, toApiError } from './api-error.js';

const withStatus = (statusCode: number) => Object.assign(new Error(`status ${statusCode}`), { statusCode });

describe('toApiError', () => {
  // The mapping itself is the mock's (its own table test); here: the relay answers with it, not a copy.
  it.each([400, 401, 403, 404, 413, 415, 429, 431])(
    'keeps a %i of the request path, typed by the shared mapping',
    (statusCode) => {
      expect(toApiError(withStatus(statusCode))).toMatchObject({
        statusCode,
        errorType: errorTypeForStatus(statusCode),
        message: `status ${statusCode}`,
      });
    },
  );

  it('answers 503 api_error with retry-after when the session store is unavailable (matched by class)', () => {
    const mapped = toApiError(new StoreUnavailableError('redis is down'));
    expect(mapped).toMatchObject({ statusCode: 503, errorType: 'api_error', headers: { 'retry-after': '1' } });
    expect(mapped.message).not.toContain('redis is down');
  });

  it.each([
    ['an unexpected error', new TypeError('x is undefined')],
    ['a 5xx-looking error', withStatus(502)],
    ['a thrown string', 'boom'],
    ['a thrown undefined', undefined],
  ])('answers 500 api_error, without its details, for %s', (_name, thrown) => {
    expect(toApiError(thrown)).toMatchObject({
      statusCode: 500,
      errorType: 'api_error',
      message: 'the relay failed to handle the request',
    });
  });

  it('passes an ApiError through unchanged', () => {
    const error = new ApiError(503, 'overloaded_error', 'busy', { 'retry-after': '2' });
    expect(toApiError(error)).toBe(error);
  });
});

describe('apiErrorBody', () => {
  it('is the API error shape', () => {
    expect(JSON.parse(apiErrorBody('rate_limit_error', 'slow down', 'req_1'))).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'slow down' },
      request_id: 'req_1',
    });
  });
});
