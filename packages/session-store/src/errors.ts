/** Every code this package's errors carry: namespaced, so that no other package shares one. */
export type SessionStoreErrorCode =
  | 'RELAY_ERR_STORE_UNAVAILABLE'
  | 'RELAY_ERR_STORE_CLOSED'
  | 'RELAY_ERR_STORE_INVALID_OPTION'
  | 'RELAY_ERR_STORE_INVALID_ARGUMENT';

/** Base class of the errors this package throws: match a failure with `instanceof` of its subclass. */
export abstract class SessionStoreError extends Error {
  abstract override readonly name: string;
  /** Stable across releases. */
  abstract readonly code: SessionStoreErrorCode;
}

/** The backing store (Redis) cannot answer now: the caller should fail fast (the relay answers 503). */
export class StoreUnavailableError extends SessionStoreError {
  override readonly name = 'StoreUnavailableError' as const;
  readonly code = 'RELAY_ERR_STORE_UNAVAILABLE' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The store was closed; it accepts no more calls. */
export class StoreClosedError extends SessionStoreError {
  override readonly name = 'StoreClosedError' as const;
  readonly code = 'RELAY_ERR_STORE_CLOSED' as const;

  constructor(options?: { cause?: unknown }) {
    super('the session store is closed', options);
  }
}

/** An option given at construction is invalid; `option` names it (a dotted path, e.g. `indexBuckets.userId`). */
export class InvalidOptionError extends SessionStoreError {
  override readonly name = 'InvalidOptionError' as const;
  readonly code = 'RELAY_ERR_STORE_INVALID_OPTION' as const;
  readonly option: string;

  constructor(option: string, expectation: string, value: unknown, options?: { cause?: unknown }) {
    super(`invalid option ${option}: expected ${expectation}, got ${describe(value)}`, options);
    this.option = option;
  }
}

/** An argument of a call is invalid; `argument` names it. */
export class InvalidArgumentError extends SessionStoreError {
  override readonly name = 'InvalidArgumentError' as const;
  readonly code = 'RELAY_ERR_STORE_INVALID_ARGUMENT' as const;
  readonly argument: string;

  constructor(argument: string, expectation: string, value: unknown, options?: { cause?: unknown }) {
    super(`invalid ${argument}: expected ${expectation}, got ${describe(value)}`, options);
    this.argument = argument;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return typeof value;
}
