/**
 * How the body of an answered attempt ended:
 * `complete` (a stream with `message_stop`, or a whole JSON body), `error-event` (the stream carried the
 * upstream's own `event: error`), `truncated` (the upstream ended the stream without `message_stop`),
 * `malformed` (an event the relay could not frame), `stalled` (silent past the idle timeout),
 * `upstream-failed` (reset or cut by the upstream), `client-gone` (the client closed), `client-stalled` (the
 * client stopped reading past the write-stall timeout).
 */
export type BodyEnd =
  | 'complete'
  | 'error-event'
  | 'truncated'
  | 'malformed'
  | 'stalled'
  | 'upstream-failed'
  | 'client-gone'
  | 'client-stalled';

/** How one attempt on one account ended: the plain facts `settle()` decides from. */
export type AttemptEnd =
  /** No status line: refused, reset, timed out, circuit open, or cancelled because the client went away. */
  | { kind: 'not-answered'; errorCode: string; clientGone: boolean; circuitOpen?: boolean }
  /** A stream whose first event did not come within `firstEventTimeoutMs` (with or without its head). */
  | { kind: 'first-event-timeout' }
  | { kind: 'answered'; statusCode: number; end: BodyEnd; errorCode?: string; upstreamErrorType?: string };
