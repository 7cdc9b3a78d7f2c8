import { anthropicErrorStatuses } from './anthropic-error.js';
import { InvalidFaultError } from './errors.js';

/** Answers with `status` and an Anthropic error body (type from the status unless `errorType` is given). */
export interface StatusFault {
  kind: 'status';
  /** 400–599. */
  status: number;
  /** `error.type` of the body; by default the API's type for `status` (429 → rate_limit_error, …). */
  errorType?: string;
  /** `error.message` of the body. */
  message?: string;
  /** For a 429: sets `retry-after` and the `anthropic-ratelimit-*-reset` times that far ahead. */
  retryAfterSeconds?: number;
  /** Extra response headers (e.g. `retry-after-ms`, `x-should-retry`); they win over the mock's own. */
  headers?: Record<string, string>;
}

/** Answers 529 with an `overloaded_error` body, as the API does under load. */
export interface OverloadedFault {
  kind: 'overloaded';
  message?: string;
  headers?: Record<string, string>;
}

/** Reads the request, then resets the connection (TCP RST) before sending a byte. */
export interface ResetBeforeHeadersFault {
  kind: 'reset-before-headers';
}

/**
 * Sends the headers and the first `afterEvents` SSE events (for a JSON response: the first half of
 * the body), then resets the connection.
 */
export interface ResetMidStreamFault {
  kind: 'reset-mid-stream';
  afterEvents: number;
  /** Extra response headers (e.g. a `content-length` the cut body never reaches). */
  headers?: Record<string, string>;
}

/**
 * Never answers; with `afterEvents`, sends the headers and that many SSE events (for a JSON response:
 * the first half of the body) and then nothing more. The connection stays open until the client goes.
 */
export interface StallFault {
  kind: 'stall';
  afterEvents?: number;
  headers?: Record<string, string>;
}

/**
 * Sends `afterEvents` SSE events of a 200 stream, then an `error` event (overloaded_error unless
 * `errorType` says otherwise) and ends the stream, as the API does when it fails mid-stream.
 * A non-streaming request gets the same error as a status response.
 */
export interface StreamErrorFault {
  kind: 'stream-error';
  afterEvents: number;
  errorType?: string;
  message?: string;
  headers?: Record<string, string>;
}

/**
 * Sends the headers at once, then waits `delayMs` before the first SSE event (for a JSON response: before
 * the body), then the rest as usual: an upstream that accepted the request but is slow to start.
 */
export interface SlowFirstEventFault {
  kind: 'slow-first-event';
  delayMs: number;
  headers?: Record<string, string>;
}

/**
 * Sends `afterEvents` SSE events and then ends the response cleanly, without `message_stop` (for a JSON
 * response: half the body, then the end): a stream closed early.
 */
export interface TruncateFault {
  kind: 'truncate';
  afterEvents: number;
  headers?: Record<string, string>;
}

/**
 * Sends `afterEvents` SSE events, then one malformed event (`data`, by default a `content_block_delta` whose
 * JSON is cut off), then the rest of the stream as usual. A non-streaming request is answered normally.
 */
export interface MalformedEventFault {
  kind: 'malformed-event';
  afterEvents: number;
  /** The malformed event's raw text, blank line included (e.g. `event: message_delta\ndata: null\n\n`). */
  data?: string;
  headers?: Record<string, string>;
}

/** A scripted misbehaviour of the mock. */
export type Fault =
  | StatusFault
  | OverloadedFault
  | ResetBeforeHeadersFault
  | ResetMidStreamFault
  | StallFault
  | StreamErrorFault
  | SlowFirstEventFault
  | TruncateFault
  | MalformedEventFault;

/** Which requests a fault applies to. */
export interface FaultScope {
  /**
   * How many matching requests get the fault. Default: 1, or every request of `apiKey` until
   * `clearFaults()` when `apiKey` is given.
   */
  times?: number;
  /** Only requests authenticated with this key (`x-api-key` or `Authorization: Bearer`). */
  apiKey?: string;
  /** Only requests to this path (without the query), e.g. `/v1/messages`. */
  path?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkEventCount(value: unknown, field: string, required: boolean): void {
  if (value === undefined && !required) return;
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new InvalidFaultError(field, 'must be an integer >= 0');
  }
}

function checkOptionalString(value: unknown, field: string): void {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new InvalidFaultError(field, 'must be a non-empty string');
  }
}

function checkHeaders(value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value) || !Object.values(value).every((header) => typeof header === 'string')) {
    throw new InvalidFaultError('fault.headers', 'must be an object of string values');
  }
}

/** Throws an `InvalidFaultError` naming the field unless `fault` is a well-formed fault. */
export function validateFault(fault: unknown): asserts fault is Fault {
  if (!isObject(fault)) throw new InvalidFaultError('fault', 'must be an object with a kind');
  switch (fault.kind) {
    case 'status':
      if (!Number.isInteger(fault.status) || (fault.status as number) < 400 || (fault.status as number) > 599) {
        throw new InvalidFaultError('fault.status', 'must be an integer from 400 to 599');
      }
      checkOptionalString(fault.errorType, 'fault.errorType');
      checkOptionalString(fault.message, 'fault.message');
      if (
        fault.retryAfterSeconds !== undefined &&
        (typeof fault.retryAfterSeconds !== 'number' ||
          !Number.isFinite(fault.retryAfterSeconds) ||
          fault.retryAfterSeconds < 0)
      ) {
        throw new InvalidFaultError('fault.retryAfterSeconds', 'must be a finite number >= 0');
      }
      checkHeaders(fault.headers);
      return;
    case 'overloaded':
      checkOptionalString(fault.message, 'fault.message');
      checkHeaders(fault.headers);
      return;
    case 'reset-before-headers':
      return;
    case 'reset-mid-stream':
    case 'truncate':
      checkEventCount(fault.afterEvents, 'fault.afterEvents', true);
      checkHeaders(fault.headers);
      return;
    case 'stall':
      checkEventCount(fault.afterEvents, 'fault.afterEvents', false);
      checkHeaders(fault.headers);
      return;
    case 'slow-first-event':
      if (typeof fault.delayMs !== 'number' || !Number.isFinite(fault.delayMs) || fault.delayMs < 0) {
        throw new InvalidFaultError('fault.delayMs', 'must be a finite number of milliseconds >= 0');
      }
      checkHeaders(fault.headers);
      return;
    case 'malformed-event':
      checkEventCount(fault.afterEvents, 'fault.afterEvents', true);
      checkOptionalString(fault.data, 'fault.data');
      checkHeaders(fault.headers);
      return;
    case 'stream-error':
      checkEventCount(fault.afterEvents, 'fault.afterEvents', true);
      checkHeaders(fault.headers);
      checkOptionalString(fault.errorType, 'fault.errorType');
      checkOptionalString(fault.message, 'fault.message');
      if (fault.errorType !== undefined && !Object.hasOwn(anthropicErrorStatuses, fault.errorType as string)) {
        throw new InvalidFaultError(
          'fault.errorType',
          `must be one of ${Object.keys(anthropicErrorStatuses).join(', ')}`,
        );
      }
      return;
    default:
      throw new InvalidFaultError(
        'fault.kind',
        'must be status, overloaded, reset-before-headers, reset-mid-stream, stall, stream-error, slow-first-event, truncate or malformed-event',
      );
  }
}

/** Throws an `InvalidFaultError` naming the field unless `scope` is a well-formed fault scope. */
export function validateFaultScope(scope: unknown): asserts scope is FaultScope {
  if (!isObject(scope)) throw new InvalidFaultError('scope', 'must be an object');
  const times = scope.times;
  if (
    times !== undefined &&
    times !== Number.POSITIVE_INFINITY &&
    (!Number.isInteger(times) || (times as number) < 1)
  ) {
    throw new InvalidFaultError('scope.times', 'must be an integer >= 1 or Infinity');
  }
  checkOptionalString(scope.apiKey, 'scope.apiKey');
  if (scope.path !== undefined && (typeof scope.path !== 'string' || !scope.path.startsWith('/'))) {
    throw new InvalidFaultError('scope.path', 'must be a path starting with /');
  }
}
