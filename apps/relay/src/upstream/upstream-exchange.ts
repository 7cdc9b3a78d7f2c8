import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { JsonUsageReader } from '../streaming/json-usage-reader.js';
import { SseEventFramer } from '../streaming/sse-event-framer.js';
import { isWellFormedEvent } from '../streaming/sse-event-shape.js';
import { SseUsageReader } from '../streaming/sse-usage-reader.js';
import { emptyUsage, type TokenUsage } from '../streaming/token-usage.js';
import type { BodyEnd } from './attempt-end.js';
import { ClientWriteStallError, FirstEventTimeoutError, StreamStalledError } from './stream-errors.js';

/** What an upstream request came to before its body: an answer (status and headers), or a failure. */
export type UpstreamAnswer =
  | { kind: 'answered'; statusCode: number; headers: IncomingHttpHeaders; eventStream: boolean }
  | { kind: 'failed'; error: Error };

/** How an event stream opened, before anything reached the client. */
export type StreamOpening =
  /** A first event arrived and it is not an error: the stream may be committed to the client. */
  | { kind: 'event' }
  /** The first event was the upstream's `error` event. */
  | { kind: 'error-event'; errorType: string }
  /** No first event: the timeout passed, the body ended, was cut, or could not be framed. */
  | { kind: 'failed'; end: BodyEnd | 'first-event-timeout'; error?: Error };

/** How a relayed body ended (see `BodyEnd`), with the error that ended it when there was one. */
export interface RelayResult {
  end: BodyEnd;
  error?: Error;
}

/** The time budgets of one exchange, in ms (`undefined`: none). */
export interface ExchangeTimeouts {
  /**
   * From dispatch to the stream's first whole event, for a streaming request (undefined otherwise). Until the
   * head, undici's `headersTimeout` (set to the same budget) is the timer, so that the pool's breaker counts a
   * route that never answers; from the head on, the exchange times what is left.
   */
  firstEventMs: number | undefined;
  /** Longest silence between two events once an event stream is relayed (while the client reads). */
  idleMs: number;
  /** Longest time the client's socket may stay full (the client not reading) before the exchange gives up. */
  writeStallMs: number;
}

// A refused answer's body (a 429 or 529 being retried elsewhere) is read this far to keep its connection; further, it is cut.
const maximumDiscardedBytes = 128 * 1024;
// Before the caller chose what to do with the body, this much of it is held as it comes; past it, the upstream is
// paused. An answer that came whole with its head (the usual short one) is so held without pausing and resuming
// the upstream's parser.
const maximumHeldBytes = 64 * 1024;

/**
 * One upstream request as an undici dispatch handler. The answer's status and headers resolve `answer`.
 * For an event stream, `opening()` then waits for the first whole event, so that the caller commits a
 * response to the client only once the upstream has really started (before that, a failure is a failed
 * attempt that another account may take over). The caller then either `discard`s the body or `relayTo`s the
 * client response: whole events are written on (an event the relay cannot frame is never forwarded), usage
 * is read from the same framing, and when the client's socket is full the upstream connection is paused, so
 * a slow reader holds the upstream socket rather than the relay's memory — for at most `writeStallMs`.
 * Until the caller chooses, up to 64 KiB of the body is held, then the upstream is paused too. A stream that
 * goes silent past `idleMs` ends as `stalled`. Writing to the client straight from the handler spares a body
 * stream and a promise per request; one timer per exchange times it all.
 */
export class UpstreamExchange implements Dispatcher.DispatchHandler {
  /** Resolves once, with the answer or the failure before it; never rejects. */
  readonly answer: Promise<UpstreamAnswer>;
  readonly #timeouts: ExchangeTimeouts;
  #answered: ((answer: UpstreamAnswer) => void) | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #abortReason: Error | undefined;
  // How the body ends when the exchange itself aborted it.
  #abortEnd: BodyEnd | undefined;
  #mode: 'waiting' | 'discard' | 'relay' = 'waiting';
  #held: Buffer[] | undefined;
  #heldBytes = 0;
  #discarded = 0;
  // Set when the body ended (or failed) before the caller chose what to do with it.
  #ending: RelayResult | undefined;
  #ended: ((result: RelayResult) => void) | undefined;
  #opening: StreamOpening | undefined;
  #opened: ((opening: StreamOpening) => void) | undefined;
  #response: ServerResponse | undefined;
  #framer: SseEventFramer | undefined;
  #sseReader: SseUsageReader | undefined;
  #jsonReader: JsonUsageReader | undefined;
  // Chunks parsed from one socket read keep arriving after pause(): wait for one drain, not one per chunk.
  #waitingForDrain = false;
  // One timer at a time, for the first event, the idle budget or the write stall (see `#onTimer`); when it is
  // due (performance.now() time). A healthy stream arms it once, at its head, and clears it at its end.
  #timer: NodeJS.Timeout | undefined;
  #timerDueAt = 0;
  #lastEventAt = 0;
  readonly #dispatchedAt: number;

  constructor(timeouts: ExchangeTimeouts) {
    this.#timeouts = timeouts;
    this.answer = new Promise((resolve) => {
      this.#answered = resolve;
    });
    this.#dispatchedAt = timeouts.firstEventMs === undefined ? 0 : performance.now();
  }

  /** Tokens read from the body so far (all of it once the body ended). */
  get usage(): TokenUsage {
    if (this.#sseReader) return this.#sseReader.usage;
    return this.#jsonReader ? this.#jsonReader.finish() : emptyUsage();
  }

  /** The type of the upstream's `error` event, when the stream carried one. */
  get upstreamErrorType(): string | undefined {
    return this.#sseReader?.errorType;
  }

  /** Cancels the request (its client went away): before the answer it fails, after it the body ends as `client-gone`. */
  abort(reason: Error, end: BodyEnd = 'client-gone'): void {
    if (this.#abortReason) return;
    this.#abortReason = reason;
    this.#abortEnd = end;
    this.#controller?.abort(reason);
  }

  /** Waits for an event stream's first whole event (call after an `answered` answer with `eventStream`). */
  opening(): Promise<StreamOpening> {
    if (this.#opening) return Promise.resolve(this.#opening);
    return new Promise((resolve) => {
      this.#opened = resolve;
    });
  }

  /** Drops the body; resolves when the upstream is done with it. */
  discard(): Promise<void> {
    this.#mode = 'discard';
    this.#held = undefined;
    this.#clearTimer();
    return new Promise((resolve) => {
      if (this.#ending) resolve();
      else {
        this.#ended = () => resolve();
        this.#controller?.resume();
      }
    });
  }

  /** Writes the body to `response` (whose head the caller wrote); never rejects. */
  relayTo(response: ServerResponse): Promise<RelayResult> {
    this.#mode = 'relay';
    this.#response = response;
    const held = this.#held;
    this.#held = undefined;
    let full = false;
    if (held) for (const chunk of held) full = !response.write(chunk) || full;
    return new Promise((resolve) => {
      if (this.#ending) resolve(this.#ending);
      else {
        this.#ended = resolve;
        if (full) {
          // The held bytes filled the client's socket: the upstream waits for it (it may not be paused yet).
          this.#controller?.pause();
          this.#waitForDrain();
        } else {
          // The held events reach the client now: the idle budget runs from here.
          if (this.#framer) this.#lastEventAt = performance.now();
          this.#watchIdle();
          this.#controller?.resume();
        }
      }
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason) controller.abort(this.#abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    const eventStream = statusCode < 300 && String(headers['content-type'] ?? '').startsWith('text/event-stream');
    if (eventStream) {
      this.#sseReader = new SseUsageReader();
      this.#framer = new SseEventFramer(this.#readEvent);
      const budget = this.#timeouts.firstEventMs;
      if (budget !== undefined) this.#arm(this.#dispatchedAt + budget);
    } else this.#jsonReader = new JsonUsageReader();
    this.#answered?.({ kind: 'answered', statusCode, headers, eventStream });
    this.#answered = undefined;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#mode === 'discard') {
      this.#discarded += chunk.length;
      if (this.#discarded > maximumDiscardedBytes) controller.abort(new Error('discarded body too large'));
      return;
    }
    let ready: Buffer = chunk;
    if (this.#framer) {
      const before = this.#framer.events;
      const framed = this.#framer.push(chunk);
      if (framed === undefined || this.#framer.rejected) {
        // Forward the whole events before the bad one, then end: the rest of the stream cannot be trusted.
        if (framed && framed.length > 0) this.#forward(controller, framed);
        if (this.#mode === 'waiting' && !this.#opening) this.#open({ kind: 'failed', end: 'malformed' });
        this.abort(new Error('the upstream sent an event that could not be framed'), 'malformed');
        return;
      }
      // Only a relayed stream's silence is timed (`relayTo` starts the count): one clock read per chunk then.
      if (this.#mode === 'relay' && this.#framer.events > before) this.#lastEventAt = performance.now();
      ready = framed;
      if (this.#mode === 'waiting' && !this.#opening && this.#framer.events > 0) {
        this.#holdReady(controller, ready);
        const errorType = this.#sseReader?.errorType;
        // The timer stays armed: once the stream is relayed it times the idle budget (see `#onTimer`).
        this.#open(errorType ? { kind: 'error-event', errorType } : { kind: 'event' });
        return;
      }
      if (ready.length === 0) return;
    } else this.#jsonReader?.push(chunk);
    this.#forward(controller, ready);
  }

  onResponseEnd(): void {
    if (this.#framer) {
      const reader = this.#sseReader as SseUsageReader;
      const end: BodyEnd = reader.errorType
        ? 'error-event'
        : reader.completed && this.#framer.heldBytes === 0
          ? 'complete'
          : 'truncated';
      this.#finish({ end });
    } else this.#finish({ end: 'complete' });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** Ends the exchange with `error` (also what the dispatcher calls): a failed answer, or a failed body. */
  fail(error: Error): void {
    if (this.#answered) {
      this.#clearTimer();
      this.#answered({ kind: 'failed', error });
      this.#answered = undefined;
      return;
    }
    const end = this.#abortEnd;
    this.#finish(end ? { end, ...(end === 'client-gone' ? {} : { error }) } : { end: 'upstream-failed', error });
  }

  /** Writes ready bytes on, or holds them while the caller has not chosen (the first event before the commit). */
  #forward(controller: Dispatcher.DispatchController, ready: Buffer): void {
    if (this.#mode === 'waiting') {
      this.#holdReady(controller, ready);
      return;
    }
    if (!(this.#response as ServerResponse).write(ready)) {
      controller.pause();
      this.#waitForDrain();
    }
  }

  #holdReady(controller: Dispatcher.DispatchController, ready: Buffer): void {
    if (ready.length === 0) return;
    this.#held ??= [];
    this.#held.push(ready);
    this.#heldBytes += ready.length;
    if (this.#heldBytes > maximumHeldBytes) controller.pause();
  }

  readonly #readEvent = (buffer: Buffer, start: number, end: number, firstLineEnd: number): boolean => {
    if (!isWellFormedEvent(buffer, start, end, firstLineEnd)) return false;
    (this.#sseReader as SseUsageReader).readEvent(buffer, start, end);
    return true;
  };

  #open(opening: StreamOpening): void {
    this.#opening = opening;
    if (this.#opened) {
      this.#opened(opening);
      this.#opened = undefined;
    }
  }

  #finish(result: RelayResult): void {
    this.#clearTimer();
    this.#response?.off('drain', this.#onDrain);
    this.#waitingForDrain = false;
    if (this.#framer && !this.#opening) {
      // The body ended before its first event: the stream never opened.
      const end = result.end === 'complete' || result.end === 'error-event' ? 'truncated' : result.end;
      this.#open({ kind: 'failed', end, ...(result.error ? { error: result.error } : {}) });
    }
    if (this.#ended) {
      this.#ended(result);
      this.#ended = undefined;
    } else this.#ending = result;
  }

  #waitForDrain(): void {
    if (this.#waitingForDrain) return;
    this.#waitingForDrain = true;
    this.#response?.once('drain', this.#onDrain);
    // While the client does not read, the upstream is paused: its silence is ours, not a stall.
    this.#clearTimer();
    this.#arm(performance.now() + this.#timeouts.writeStallMs);
  }

  readonly #onDrain = () => {
    this.#waitingForDrain = false;
    this.#clearTimer();
    this.#lastEventAt = performance.now();
    this.#watchIdle();
    this.#controller?.resume();
  };

  /** Makes sure the timer fires by the end of an event stream's idle budget (an earlier one is kept). */
  #watchIdle(): void {
    if (!this.#framer || this.#mode !== 'relay') return;
    const idleDueAt = this.#lastEventAt + this.#timeouts.idleMs;
    if (this.#timer !== undefined) {
      if (this.#timerDueAt <= idleDueAt) return;
      this.#clearTimer();
    }
    this.#arm(idleDueAt);
  }

  /** Arms the timer for `dueAt`, in whole milliseconds (timers of one duration share one list in Node). */
  #arm(dueAt: number): void {
    this.#timerDueAt = dueAt;
    this.#timer = setTimeout(this.#onTimer, Math.max(1, Math.ceil(dueAt - performance.now())));
  }

  /** The timer fired: what it means depends on where the exchange is. */
  readonly #onTimer = () => {
    this.#timer = undefined;
    const now = performance.now();
    if (this.#waitingForDrain) {
      if (now < this.#timerDueAt) this.#arm(this.#timerDueAt);
      else this.abort(new ClientWriteStallError(this.#timeouts.writeStallMs), 'client-stalled');
      return;
    }
    if (!this.#opening) {
      if (this.#mode === 'discard' || this.#ending) return;
      if (now < this.#timerDueAt) {
        this.#arm(this.#timerDueAt);
        return;
      }
      const error = new FirstEventTimeoutError(this.#timeouts.firstEventMs as number);
      this.#open({ kind: 'failed', end: 'first-event-timeout', error });
      this.abort(error, 'upstream-failed');
      return;
    }
    // Opened: while the caller has not chosen, nothing is timed; `relayTo` arms the idle budget.
    if (this.#mode !== 'relay') return;
    if (now - this.#lastEventAt >= this.#timeouts.idleMs) {
      this.abort(new StreamStalledError(this.#timeouts.idleMs), 'stalled');
    } else this.#watchIdle();
  };

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
