/** Base class of the errors this package throws; `code` is stable across releases. */
export class QuotaError extends Error {
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option given at construction is invalid; the message names it (never echoes a secret value). */
export class QuotaInvalidOptionError extends QuotaError {
  static readonly code = 'RELAY_ERR_QUOTA_INVALID_OPTION';

  constructor(option: string, expectation: string, value: unknown) {
    super(`invalid option ${option}: expected ${expectation}, got ${describe(value)}`, QuotaInvalidOptionError.code);
  }
}

/** An argument of a call is invalid; the message names it. */
export class QuotaInvalidArgumentError extends QuotaError {
  static readonly code = 'RELAY_ERR_QUOTA_INVALID_ARGUMENT';

  constructor(argument: string, expectation: string, value: unknown) {
    super(`invalid ${argument}: expected ${expectation}, got ${describe(value)}`, QuotaInvalidArgumentError.code);
  }
}

/** The backing store (Redis) cannot answer now; what was recorded is kept and replayed. */
export class QuotaUnavailableError extends QuotaError {
  static readonly code = 'RELAY_ERR_QUOTA_UNAVAILABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, QuotaUnavailableError.code, options);
  }
}

/** The limiter, ledger or backend was closed; it accepts no more calls. */
export class QuotaClosedError extends QuotaError {
  static readonly code = 'RELAY_ERR_QUOTA_CLOSED';

  constructor(what: string) {
    super(`the ${what} is closed`, QuotaClosedError.code);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}
