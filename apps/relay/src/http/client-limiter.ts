import { ApiError } from './api-error.js';

/** Caps the requests each client key has in flight at once (429 beyond). */
export class ClientConcurrencyLimiter {
  readonly #inFlight = new Map<string, number>();

  /** Takes a slot for `clientId`, or throws a 429 ApiError when its limit is reached. */
  acquire(clientId: string, limit: number): void {
    const current = this.#inFlight.get(clientId) ?? 0;
    if (current >= limit) {
      throw new ApiError(429, 'rate_limit_error', `this client key already has ${limit} requests in flight`, {
        'retry-after': '1',
      });
    }
    this.#inFlight.set(clientId, current + 1);
  }

  /** Gives back a slot taken by `acquire`. */
  release(clientId: string): void {
    const current = this.#inFlight.get(clientId) ?? 0;
    if (current <= 1) this.#inFlight.delete(clientId);
    else this.#inFlight.set(clientId, current - 1);
  }

  /** Requests in flight, per client id. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#inFlight);
  }
}
