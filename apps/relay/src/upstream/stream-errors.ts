/** The base of the errors an upstream exchange ends with when one of its own time budgets runs out. */
export class UpstreamTimeoutError extends Error {
  readonly code: string = 'RELAY_ERR_UPSTREAM_TIMEOUT';
  constructor(
    message: string,
    /** The budget that ran out, in ms. */
    readonly timeoutMs: number,
  ) {
    super(message);
    this.name = 'UpstreamTimeoutError';
  }
}

/** A stream whose first event did not arrive within `upstream.stream.firstEventTimeoutMs`. */
export class FirstEventTimeoutError extends UpstreamTimeoutError {
  override readonly code = 'RELAY_ERR_FIRST_EVENT_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`the upstream sent no first event within ${timeoutMs} ms`, timeoutMs);
    this.name = 'FirstEventTimeoutError';
  }
}

/** A stream silent for longer than `upstream.stream.idleTimeoutMs` between two events. */
export class StreamStalledError extends UpstreamTimeoutError {
  override readonly code = 'RELAY_ERR_STREAM_STALLED';
  constructor(timeoutMs: number) {
    super(`the upstream stream was silent for more than ${timeoutMs} ms`, timeoutMs);
    this.name = 'StreamStalledError';
  }
}

/** A client that took no bytes for longer than `upstream.stream.writeStallTimeoutMs`: its upstream request is given up. */
export class ClientWriteStallError extends UpstreamTimeoutError {
  override readonly code = 'RELAY_ERR_CLIENT_WRITE_STALL';
  constructor(timeoutMs: number) {
    super(`the client read nothing for more than ${timeoutMs} ms`, timeoutMs);
    this.name = 'ClientWriteStallError';
  }
}
