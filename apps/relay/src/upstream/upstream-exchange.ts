import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';

/** What an upstream request came to before its body: an answer (status and headers), or a failure. */
export type UpstreamAnswer =
  | { kind: 'answered'; statusCode: number; headers: IncomingHttpHeaders }
  | { kind: 'failed'; error: Error };

/** How a relayed body ended. */
export type RelayEnd = 'finished' | 'client-gone' | 'upstream-failed';

// A refused answer's body (a 429 or 529 being retried elsewhere) is read this far to keep its connection; further, it is cut.
const maximumDiscardedBytes = 128 * 1024;

/**
 * One upstream request as an undici dispatch handler. The answer's status and headers resolve `answer`;
 * the caller then either `discard`s the body (to try another account) or `relayTo`s the client response:
 * each chunk is shown to an observer and written on, and when the client's socket is full the upstream
 * connection is paused, so a slow reader holds the upstream socket rather than the relay's memory.
 * Chunks arriving before that choice are held (and the connection paused). Writing to the client straight
 * from the handler spares a body stream and a promise per request.
 */
export class UpstreamExchange implements Dispatcher.DispatchHandler {
  /** Resolves once, with the answer or the failure before it; never rejects. */
  readonly answer: Promise<UpstreamAnswer>;
  #answered: ((answer: UpstreamAnswer) => void) | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #abortReason: Error | undefined;
  #mode: 'waiting' | 'discard' | 'relay' = 'waiting';
  #held: Buffer[] | undefined;
  #discarded = 0;
  // Set when the body ended (or failed) before the caller chose what to do with it.
  #ending: { end: RelayEnd; error?: Error } | undefined;
  #ended: ((result: { end: RelayEnd; error?: Error }) => void) | undefined;
  #response: ServerResponse | undefined;
  #observe: ((chunk: Buffer) => void) | undefined;
  // Chunks parsed from one socket read keep arriving after pause(): wait for one drain, not one per chunk.
  #waitingForDrain = false;

  constructor() {
    this.answer = new Promise((resolve) => {
      this.#answered = resolve;
    });
  }

  /** Cancels the request (its client went away): before the answer it fails, after it the body ends as `client-gone`. */
  abort(reason: Error): void {
    if (this.#abortReason) return;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  /** Drops the body; resolves when the upstream is done with it. */
  discard(): Promise<void> {
    this.#mode = 'discard';
    this.#held = undefined;
    return new Promise((resolve) => {
      if (this.#ending) resolve();
      else {
        this.#ended = () => resolve();
        this.#controller?.resume();
      }
    });
  }

  /** Writes the body to `response` (whose head the caller wrote), showing each chunk to `observe`; never rejects. */
  relayTo(response: ServerResponse, observe: (chunk: Buffer) => void): Promise<{ end: RelayEnd; error?: Error }> {
    this.#mode = 'relay';
    this.#response = response;
    this.#observe = observe;
    const held = this.#held;
    this.#held = undefined;
    let full = false;
    if (held) for (const chunk of held) full = !this.#write(chunk) || full;
    return new Promise((resolve) => {
      if (this.#ending) resolve(this.#ending);
      else {
        this.#ended = resolve;
        if (full) this.#waitForDrain();
        else this.#controller?.resume();
      }
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason) controller.abort(this.#abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.#answered?.({ kind: 'answered', statusCode, headers });
    this.#answered = undefined;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#mode === 'relay') {
      if (!this.#write(chunk)) {
        controller.pause();
        this.#waitForDrain();
      }
    } else if (this.#mode === 'waiting') {
      this.#held ??= [];
      this.#held.push(chunk);
      controller.pause();
    } else {
      this.#discarded += chunk.length;
      if (this.#discarded > maximumDiscardedBytes) controller.abort(new Error('discarded body too large'));
    }
  }

  onResponseEnd(): void {
    this.#finish({ end: 'finished' });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** Ends the exchange with `error` (also what the dispatcher calls): a failed answer, or a failed body. */
  fail(error: Error): void {
    if (this.#answered) {
      this.#answered({ kind: 'failed', error });
      this.#answered = undefined;
      return;
    }
    this.#finish(this.#abortReason ? { end: 'client-gone' } : { end: 'upstream-failed', error });
  }

  #finish(result: { end: RelayEnd; error?: Error }): void {
    this.#response?.off('drain', this.#onDrain);
    this.#waitingForDrain = false;
    if (this.#ended) {
      this.#ended(result);
      this.#ended = undefined;
    } else this.#ending = result;
  }

  #write(chunk: Buffer): boolean {
    this.#observe?.(chunk);
    return (this.#response as ServerResponse).write(chunk);
  }

  #waitForDrain(): void {
    if (this.#waitingForDrain) return;
    this.#waitingForDrain = true;
    this.#response?.once('drain', this.#onDrain);
  }

  readonly #onDrain = () => {
    this.#waitingForDrain = false;
    this.#controller?.resume();
  };
}
