import { describe, expect, it } from 'vitest';
import * as apiErrors from './api-errors.js';
import * as root from './index.js';

const { anthropicErrorBody, anthropicErrorStatuses, errorTypeForStatus } = apiErrors;

describe('errorTypeForStatus: the one status → error-type mapping', () => {
  it.each([
    // The API's documented pairs.
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [529, 'overloaded_error'],
    // Undocumented: 503 is a generic server error, not the upstream's overload (see the function's comment).
    [503, 'api_error'],
    [502, 'api_error'],
    [504, 'api_error'],
    [599, 'api_error'],
    [405, 'invalid_request_error'],
    [409, 'invalid_request_error'],
    [422, 'invalid_request_error'],
    [431, 'invalid_request_error'],
  ])('%i → %s', (status, type) => {
    expect(errorTypeForStatus(status)).toBe(type);
  });

  it('maps every documented type back to its own status', () => {
    for (const [type, status] of Object.entries(anthropicErrorStatuses)) expect(errorTypeForStatus(status)).toBe(type);
  });
});

describe('the api-errors entry', () => {
  it('exports the API error vocabulary and nothing of the mock server', () => {
    expect(Object.keys(apiErrors).sort()).toEqual([
      'anthropicErrorBody',
      'anthropicErrorStatuses',
      'errorTypeForStatus',
    ]);
    expect(apiErrors.errorTypeForStatus).toBe(root.errorTypeForStatus);
    expect(apiErrors.anthropicErrorStatuses).toBe(root.anthropicErrorStatuses);
  });

  it('builds the API error body', () => {
    expect(anthropicErrorBody('overloaded_error', 'Overloaded', 'req_1')).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: 'req_1',
    });
  });
});
