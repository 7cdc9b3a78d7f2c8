/**
 * How an upstream request ended: `success` (a response below 400), `http_error` (a response of 400 or
 * more), `connection_error` (no response: refused, reset, TLS or proxy failure), `timeout` (no response
 * in time), `aborted` (the client went away), `rejected` (not sent: the circuit was open), and for streams:
 * `first_event_timeout` (no first event in time), `stalled` (silent too long between two events), `truncated`
 * (ended without its final event, or with an event that could not be read).
 */
export type UpstreamOutcome =
  | 'success'
  | 'http_error'
  | 'connection_error'
  | 'timeout'
  | 'aborted'
  | 'rejected'
  | 'first_event_timeout'
  | 'stalled'
  | 'truncated';

/** Every outcome label, in index order; `other` stands for a value outside the enum (from untyped callers). */
export const OUTCOME_LABELS = [
  'success',
  'http_error',
  'connection_error',
  'timeout',
  'aborted',
  'rejected',
  'first_event_timeout',
  'stalled',
  'truncated',
  'other',
] as const;

const outcomeIndexes = new Map<string, number>(OUTCOME_LABELS.map((label, index) => [label, index]));
const otherIndex = OUTCOME_LABELS.length - 1;
const successIndex = 0;
const httpErrorIndex = 1;
/** The index of `connection_error`. */
export const CONNECTION_ERROR_INDEX = 2;
/** The index of `timeout`. */
export const TIMEOUT_INDEX = 3;

/**
 * The index in `OUTCOME_LABELS` of a request's outcome: the given one, else derived from the status
 * (below 400 → `success`, else `http_error`; no status → `connection_error`).
 */
export function outcomeIndex(outcome: string | undefined, statusCode: number | undefined): number {
  if (outcome !== undefined) return outcomeIndexes.get(outcome) ?? otherIndex;
  if (statusCode === undefined) return CONNECTION_ERROR_INDEX;
  return statusCode < 400 ? successIndex : httpErrorIndex;
}
