import type { UpstreamOutcome } from '@relay/metrics';
import type { AttemptEnd } from './attempt-end.js';

/** What an attempt comes to: the metrics outcome, whether it counts as a good request, and what went wrong. */
export interface Settlement {
  outcome: UpstreamOutcome;
  ok: boolean;
  /** A short word for the session's record and the log (an error code, never a URL). */
  error: string | undefined;
  /** True when the failure is the account's or its route's (counted against it, with a cool-down). */
  accountFailure: boolean;
}

const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
// An `error` event of these types is about the upstream's state, not the request's content.
const upstreamErrorTypes = new Set(['overloaded_error', 'api_error', 'rate_limit_error']);

/** The metrics outcome of an attempt that failed with this error code (a connection failure or a timeout). */
export function outcomeOfCode(code: string): UpstreamOutcome {
  return timeoutCodes.has(code) ? 'timeout' : 'connection_error';
}

/** Turns an attempt's end into its settlement: a pure function, table-tested. */
export function settle(end: AttemptEnd): Settlement {
  switch (end.kind) {
    case 'not-answered':
      if (end.clientGone) return { outcome: 'aborted', ok: false, error: 'client-gone', accountFailure: false };
      // Not sent at all: the route's circuit was open, which says nothing new about the account.
      if (end.circuitOpen) return { outcome: 'rejected', ok: false, error: end.errorCode, accountFailure: false };
      return { outcome: outcomeOfCode(end.errorCode), ok: false, error: end.errorCode, accountFailure: true };
    case 'first-event-timeout':
      return { outcome: 'first_event_timeout', ok: false, error: 'first-event-timeout', accountFailure: true };
    case 'answered':
      switch (end.end) {
        case 'complete':
          return end.statusCode < 400
            ? { outcome: 'success', ok: true, error: undefined, accountFailure: false }
            : { outcome: 'http_error', ok: false, error: `http ${end.statusCode}`, accountFailure: false };
        case 'error-event': {
          const type = end.upstreamErrorType ?? 'api_error';
          return { outcome: 'http_error', ok: false, error: type, accountFailure: upstreamErrorTypes.has(type) };
        }
        case 'truncated':
          return { outcome: 'truncated', ok: false, error: 'truncated', accountFailure: true };
        case 'malformed':
          return { outcome: 'truncated', ok: false, error: 'malformed-event', accountFailure: true };
        case 'stalled':
          return { outcome: 'stalled', ok: false, error: 'stalled', accountFailure: true };
        case 'upstream-failed': {
          const code = end.errorCode ?? 'upstream-failed';
          return { outcome: outcomeOfCode(code), ok: false, error: code, accountFailure: true };
        }
        case 'client-gone':
          return { outcome: 'aborted', ok: false, error: 'client-gone', accountFailure: false };
        case 'client-stalled':
          return { outcome: 'aborted', ok: false, error: 'client-write-stall', accountFailure: false };
      }
  }
}
