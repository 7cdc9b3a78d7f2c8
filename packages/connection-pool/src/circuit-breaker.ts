/** `closed`: traffic flows. `open`: refused at once. `half-open`: one trial (request or probe) decides. */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  maxFailures: number;
  recoveryTime: number;
  maxRecoveryTime: number;
}

/** One state change, as the breaker reports it. */
export interface CircuitTransition {
  from: CircuitState;
  to: CircuitState;
  /** Consecutive failures that led here (0 on closing). */
  failures: number;
  /** How many times the circuit has opened since it was last closed. */
  openings: number;
  /** While open: when it moves to half-open (ms since the epoch). */
  retryAt: number | undefined;
  /** The code of the failure that opened (or re-opened) it. */
  errorCode: string | undefined;
}

/** A snapshot for `stats()`. */
export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  openings: number;
  retryAt: number | undefined;
}

/**
 * Consecutive-failure circuit breaker of one key. Opens after `maxFailures` failures in a row, waits a recovery time
 * that doubles with each re-opening (capped), then lets one trial through; its outcome closes or re-opens it.
 */
export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions;
  readonly #onTransition: (transition: CircuitTransition) => void;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openings = 0;
  #retryAt: number | undefined;
  #trialInFlight = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: CircuitBreakerOptions, onTransition: (transition: CircuitTransition) => void) {
    this.#options = options;
    this.#onTransition = onTransition;
  }

  /** The current state. */
  get state(): CircuitState {
    return this.#state;
  }

  /** Whether a request would be let through now (closed, or half-open with no trial running). */
  get available(): boolean {
    return this.#state === 'closed' || (this.#state === 'half-open' && !this.#trialInFlight);
  }

  /** When an open circuit moves to half-open (ms since the epoch). */
  get retryAt(): number | undefined {
    return this.#retryAt;
  }

  /** The state for `stats()`. */
  snapshot(): CircuitSnapshot {
    return {
      state: this.#state,
      consecutiveFailures: this.#failures,
      openings: this.#openings,
      retryAt: this.#retryAt,
    };
  }

  /** Admits a request: always when closed, never when open, and one trial at a time when half-open. */
  tryAcquire(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open' || this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  /** Gives back an admission whose request ended with no verdict (aborted by the caller). */
  release(): void {
    this.#trialInFlight = false;
  }

  /** Records a success: resets the failure count; closes a half-open circuit. */
  recordSuccess(): void {
    this.#trialInFlight = false;
    if (this.#state === 'open') return;
    this.#failures = 0;
    if (this.#state === 'half-open') {
      const openings = this.#openings;
      this.#openings = 0;
      this.#retryAt = undefined;
      this.#move('closed', { failures: 0, openings, errorCode: undefined });
    }
  }

  /** Records a failure: opens the circuit after `maxFailures` in a row; re-opens a half-open one at once. */
  recordFailure(errorCode: string): void {
    this.#trialInFlight = false;
    // Late failures of requests admitted before the circuit opened say nothing new.
    if (this.#state === 'open') return;
    this.#failures += 1;
    if (this.#state === 'half-open' || this.#failures >= this.#options.maxFailures) this.#open(errorCode);
  }

  /** Stops the recovery timer (the breaker's owner is going away). */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #open(errorCode: string): void {
    this.#openings += 1;
    const delay = Math.min(
      this.#options.maxRecoveryTime,
      this.#options.recoveryTime * 2 ** Math.min(this.#openings - 1, 30),
    );
    this.#retryAt = Date.now() + delay;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#halfOpen(), delay);
    this.#timer.unref();
    this.#move('open', { failures: this.#failures, openings: this.#openings, errorCode });
  }

  #halfOpen(): void {
    this.#timer = undefined;
    this.#retryAt = undefined;
    this.#trialInFlight = false;
    this.#move('half-open', { failures: this.#failures, openings: this.#openings, errorCode: undefined });
  }

  #move(to: CircuitState, details: Pick<CircuitTransition, 'failures' | 'openings' | 'errorCode'>): void {
    const from = this.#state;
    this.#state = to;
    this.#onTransition({ from, to, retryAt: this.#retryAt, ...details });
  }
}
