import { describe, expect, it } from 'vitest';
import type { AttemptEnd } from './attempt-end.js';
import { type Settlement, settle } from './settle.js';

const cases: Array<[string, AttemptEnd, Settlement]> = [
  [
    'a refused connection',
    { kind: 'not-answered', errorCode: 'ECONNREFUSED', clientGone: false },
    { outcome: 'connection_error', ok: false, error: 'ECONNREFUSED', accountFailure: true },
  ],
  [
    'a connect timeout',
    { kind: 'not-answered', errorCode: 'UND_ERR_CONNECT_TIMEOUT', clientGone: false },
    { outcome: 'timeout', ok: false, error: 'UND_ERR_CONNECT_TIMEOUT', accountFailure: true },
  ],
  [
    'an open circuit (not sent: not the account’s fault)',
    { kind: 'not-answered', errorCode: 'RELAY_ERR_POOL_CIRCUIT_OPEN', clientGone: false, circuitOpen: true },
    { outcome: 'rejected', ok: false, error: 'RELAY_ERR_POOL_CIRCUIT_OPEN', accountFailure: false },
  ],
  [
    'a client that left before the answer',
    { kind: 'not-answered', errorCode: 'AbortError', clientGone: true },
    { outcome: 'aborted', ok: false, error: 'client-gone', accountFailure: false },
  ],
  [
    'no first event in time',
    { kind: 'first-event-timeout' },
    { outcome: 'first_event_timeout', ok: false, error: 'first-event-timeout', accountFailure: true },
  ],
  [
    'a complete stream',
    { kind: 'answered', statusCode: 200, end: 'complete' },
    { outcome: 'success', ok: true, error: undefined, accountFailure: false },
  ],
  [
    'a 400 passed through',
    { kind: 'answered', statusCode: 400, end: 'complete' },
    { outcome: 'http_error', ok: false, error: 'http 400', accountFailure: false },
  ],
  [
    'an overloaded error event mid-stream',
    { kind: 'answered', statusCode: 200, end: 'error-event', upstreamErrorType: 'overloaded_error' },
    { outcome: 'http_error', ok: false, error: 'overloaded_error', accountFailure: true },
  ],
  [
    'an invalid_request_error event (the request’s fault)',
    { kind: 'answered', statusCode: 200, end: 'error-event', upstreamErrorType: 'invalid_request_error' },
    { outcome: 'http_error', ok: false, error: 'invalid_request_error', accountFailure: false },
  ],
  [
    'a stream ended without message_stop',
    { kind: 'answered', statusCode: 200, end: 'truncated' },
    { outcome: 'truncated', ok: false, error: 'truncated', accountFailure: true },
  ],
  [
    'an event that could not be framed',
    { kind: 'answered', statusCode: 200, end: 'malformed' },
    { outcome: 'truncated', ok: false, error: 'malformed-event', accountFailure: true },
  ],
  [
    'silence past the idle timeout',
    { kind: 'answered', statusCode: 200, end: 'stalled' },
    { outcome: 'stalled', ok: false, error: 'stalled', accountFailure: true },
  ],
  [
    'a reset mid-stream',
    { kind: 'answered', statusCode: 200, end: 'upstream-failed', errorCode: 'ECONNRESET' },
    { outcome: 'connection_error', ok: false, error: 'ECONNRESET', accountFailure: true },
  ],
  [
    'a client that left mid-stream',
    { kind: 'answered', statusCode: 200, end: 'client-gone' },
    { outcome: 'aborted', ok: false, error: 'client-gone', accountFailure: false },
  ],
  [
    'a client that stopped reading',
    { kind: 'answered', statusCode: 200, end: 'client-stalled' },
    { outcome: 'aborted', ok: false, error: 'client-write-stall', accountFailure: false },
  ],
];

describe('settle', () => {
  it.each(cases)('%s', (_name, end, expected) => {
    expect(settle(end)).toEqual(expected);
  });
});
