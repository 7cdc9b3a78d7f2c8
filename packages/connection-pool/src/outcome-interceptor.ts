import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { errorCode } from './errors.js';
import type { RequestCompletedEvent } from './events.js';

/** How one request ended, as the interceptor saw it. */
export type RequestOutcome = Pick<
  RequestCompletedEvent,
  'method' | 'statusCode' | 'durationMs' | 'errorCode' | 'outcome'
>;

/** What the interceptor reports to: the key's breaker and statistics. */
export interface OutcomeRecorder {
  /** Undefined to let the request through, or the error to refuse it with (the circuit is open). */
  admit(): Error | undefined;
  /** Records how an admitted (or refused) request ended. */
  complete(outcome: RequestOutcome): void;
  /** Whether a 5xx response counts as a failure. */
  readonly countServerErrors: boolean;
}

// What a refused request's handler gets as controller: nothing to pause or abort, the request never started.
const refusedController: Dispatcher.DispatchController = {
  aborted: true,
  paused: false,
  reason: null,
  abort() {},
  pause() {},
  resume() {},
};

/** Wraps the caller's handler: times the request and reports its outcome once, whatever way it ends. */
class OutcomeHandler implements Dispatcher.DispatchHandler {
  readonly #handler: Dispatcher.DispatchHandler;
  readonly #recorder: OutcomeRecorder;
  readonly #method: string;
  readonly #started = performance.now();
  #controller: Dispatcher.DispatchController | undefined;
  #statusCode: number | undefined;
  #reported = false;

  constructor(handler: Dispatcher.DispatchHandler, recorder: OutcomeRecorder, method: string) {
    this.#handler = handler;
    this.#recorder = recorder;
    this.#method = method;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#controller = controller;
    this.#handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): void {
    this.#statusCode = statusCode;
    this.#report('success', undefined);
    this.#handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.#statusCode = statusCode;
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    const status = this.#statusCode ?? 0;
    if (status >= 500 && this.#recorder.countServerErrors) this.#report('failure', `HTTP_${status}`);
    else this.#report('success', undefined);
    this.#handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    // An abort the caller asked for says nothing about the route's health.
    const aborted = this.#controller?.aborted === true || controller?.aborted === true;
    this.#report(aborted ? 'aborted' : 'failure', errorCode(error));
    this.#handler.onResponseError?.(controller, error);
  }

  #report(outcome: RequestOutcome['outcome'], code: string | undefined): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#recorder.complete({
      method: this.#method,
      statusCode: this.#statusCode,
      durationMs: performance.now() - this.#started,
      errorCode: code,
      outcome,
    });
  }
}

/**
 * The undici interceptor every pooled dispatcher is composed with: refuses requests while the key's circuit is open
 * (the handler gets the error, no socket is touched) and reports each admitted request's outcome.
 */
export function createOutcomeInterceptor(recorder: OutcomeRecorder): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => {
    const refusal = recorder.admit();
    if (refusal) {
      recorder.complete({
        method: options.method,
        statusCode: undefined,
        durationMs: 0,
        errorCode: errorCode(refusal),
        outcome: 'rejected',
      });
      handler.onResponseError?.(refusedController, refusal);
      return false;
    }
    return dispatch(options, new OutcomeHandler(handler, recorder, options.method));
  };
}
