import { ApiError } from './api-error.js';

/** The body bytes one request holds against its client's budget; `release` gives them all back (idempotent). */
export interface BodyBytesLease {
  /** Takes `bytes` more, or throws a 429 ApiError when the client's bodies in flight would pass the budget. */
  add(bytes: number): void;
  release(): void;
}

/**
 * Caps the request-body bytes each client key holds in the relay at once (read, scanned, being forwarded or
 * retried), so that one client's large bodies cannot take the memory every other client needs.
 */
export class ClientBodyBudget {
  readonly #inFlight = new Map<string, number>();

  constructor(
    /** Bytes per client key. */
    readonly limit: number,
  ) {}

  /** A lease holding nothing yet, for one request of `clientId`. */
  lease(clientId: string): BodyBytesLease {
    return new ClientBodyLease(this, clientId);
  }

  /** Counts `bytes` more for `clientId`, or throws the 429 ApiError (a lease's step: use `lease`). */
  take(clientId: string, bytes: number): void {
    const current = this.#inFlight.get(clientId) ?? 0;
    if (current + bytes > this.limit) throw overBudget(current, this.limit);
    this.#inFlight.set(clientId, current + bytes);
  }

  /** Counts `bytes` of `clientId` no more (a lease's step: use `lease`). */
  giveBack(clientId: string, bytes: number): void {
    const remaining = (this.#inFlight.get(clientId) ?? 0) - bytes;
    if (remaining <= 0) this.#inFlight.delete(clientId);
    else this.#inFlight.set(clientId, remaining);
  }

  /** Body bytes in flight, per client id. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#inFlight);
  }
}

// One object per request and no closures: a lease is taken on every request's path.
class ClientBodyLease implements BodyBytesLease {
  #held = 0;

  constructor(
    readonly budget: ClientBodyBudget,
    readonly clientId: string,
  ) {}

  add(bytes: number): void {
    this.budget.take(this.clientId, bytes);
    this.#held += bytes;
  }

  release(): void {
    if (this.#held === 0) return;
    this.budget.giveBack(this.clientId, this.#held);
    this.#held = 0;
  }
}

// The rest of the body is never read, so the connection cannot carry another request: closed.
function overBudget(current: number, limit: number): ApiError {
  return new ApiError(
    429,
    'rate_limit_error',
    `this client key already has ${current} bytes of request bodies in flight; together they may not pass ${limit} bytes (limits.clientBodyBytes): retry when a request has finished`,
    { 'retry-after': '1', connection: 'close' },
  );
}
