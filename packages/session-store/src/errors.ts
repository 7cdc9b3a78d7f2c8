/** Base class of the errors this package throws; `code` is stable across releases. */
export class SessionStoreError extends Error {
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The backing store (Redis) cannot answer now: the caller should fail fast (the relay answers 503). */
export class StoreUnavailableError extends SessionStoreError {
  static readonly code = 'RELAY_ERR_STORE_UNAVAILABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, StoreUnavailableError.code, options);
  }
}

/** The store was closed; it accepts no more calls. */
export class StoreClosedError extends SessionStoreError {
  static readonly code = 'RELAY_ERR_STORE_CLOSED';

  constructor() {
    super('the session store is closed', StoreClosedError.code);
  }
}

/** An option given at construction is invalid; the message names it. */
export class InvalidOptionError extends SessionStoreError {
  static readonly code = 'RELAY_ERR_INVALID_OPTION';

  constructor(option: string, expectation: string, value: unknown) {
    super(`invalid option ${option}: expected ${expectation}, got ${describe(value)}`, InvalidOptionError.code);
  }
}

/** An argument of a call is invalid; the message names it. */
export class InvalidArgumentError extends SessionStoreError {
  static readonly code = 'RELAY_ERR_INVALID_ARGUMENT';

  constructor(argument: string, expectation: string, value: unknown) {
    super(`invalid ${argument}: expected ${expectation}, got ${describe(value)}`, InvalidArgumentError.code);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return typeof value;
}
