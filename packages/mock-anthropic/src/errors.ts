/** Stable codes of the errors this package throws. */
export type MockAnthropicErrorCode = 'RELAY_ERR_MOCK_INVALID_OPTION' | 'RELAY_ERR_MOCK_INVALID_FAULT';

/** Base class of every error this package throws; `code` is stable across versions. */
export class MockAnthropicError extends Error {
  readonly code: MockAnthropicErrorCode;

  constructor(code: MockAnthropicErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option given to `createMockAnthropic()` is invalid; the message names it. */
export class InvalidMockOptionError extends MockAnthropicError {
  /** The option's name, e.g. `latencyMs` or `tls.cert`. */
  readonly option: string;
  /** What the option must be, e.g. `must be an integer >= 1`. */
  readonly requirement: string;

  constructor(option: string, requirement: string) {
    super('RELAY_ERR_MOCK_INVALID_OPTION', `invalid option ${option}: ${requirement}`);
    this.option = option;
    this.requirement = requirement;
  }
}

/** A fault given to `mock.fault()` is invalid; the message names the field. */
export class InvalidFaultError extends MockAnthropicError {
  /** The field's path, e.g. `fault.status` or `scope.times`. */
  readonly field: string;

  constructor(field: string, requirement: string) {
    super('RELAY_ERR_MOCK_INVALID_FAULT', `invalid ${field}: ${requirement}`);
    this.field = field;
  }
}
