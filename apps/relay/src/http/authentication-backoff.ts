import { LRUCache } from 'lru-cache';
import { ApiError } from './api-error.js';

/** How many failed authentications one address may make in a window before it is refused. */
export interface AuthenticationBackoffOptions {
  /** Failed client-key or admin-token checks allowed per address and window; 0 turns the back-off off. */
  maxFailures: number;
  /** The window, from an address's first failure; while refused, `retry-after` says when it ends. */
  windowMs: number;
  /** Addresses remembered at once (the least recently failing are forgotten first): bounds memory. */
  maxAddresses: number;
  /**
   * Addresses never backed off: peers that many clients share, such as a TLS proxy in front of the relay
   * (by default the loopback addresses, where the relay listens unless told otherwise).
   */
  exemptAddresses: readonly string[];
}

interface FailureCount {
  failures: number;
}

// A peer whose socket closed before the request was read has no address: such peers share one entry.
const unknownAddress = 'unknown';

/**
 * Slows down key guessing: after `maxFailures` failed authentications from one address in a window, every
 * request of that address that needs a key (client or admin) gets 429 until the window ends, valid key or
 * not, so that the answer tells nothing about the keys tried. A success does not reset the count: a client
 * with a valid key must not be able to guess other keys between its own requests.
 */
export class AuthenticationBackoff {
  readonly #options: AuthenticationBackoffOptions;
  readonly #counts: LRUCache<string, FailureCount> | undefined;
  readonly #exempt: ReadonlySet<string>;

  constructor(options: AuthenticationBackoffOptions) {
    this.#options = options;
    this.#exempt = new Set(options.exemptAddresses);
    this.#counts =
      options.maxFailures > 0
        ? new LRUCache<string, FailureCount>({ max: options.maxAddresses, ttl: options.windowMs })
        : undefined;
  }

  /** Throws a 429 ApiError (with `retry-after`) when `address` used up its failures for this window. */
  check(address: string | undefined): void {
    if (address !== undefined && this.#exempt.has(address)) return;
    const count = this.#counts?.get(address ?? unknownAddress);
    if (!count || count.failures < this.#options.maxFailures) return;
    const remainingMs = this.#counts?.getRemainingTTL(address ?? unknownAddress) ?? this.#options.windowMs;
    throw new ApiError(429, 'rate_limit_error', 'too many failed authentications from this address', {
      'retry-after': String(Math.max(1, Math.ceil(remainingMs / 1000))),
    });
  }

  /** Counts one failed authentication of `address`; the window starts with its first failure. */
  recordFailure(address: string | undefined): void {
    if (!this.#counts || (address !== undefined && this.#exempt.has(address))) return;
    const key = address ?? unknownAddress;
    const count = this.#counts.get(key);
    // Counted in place: the entry keeps the TTL of the first failure, so the window does not slide.
    if (count) count.failures += 1;
    else this.#counts.set(key, { failures: 1 });
  }
}
