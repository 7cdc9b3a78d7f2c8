/** The stable codes of the errors this package throws, one per class. */
export type MockAnthropicErrorCode =
  | 'RELAY_ERR_MOCK_INVALID_OPTION'
  | 'RELAY_ERR_MOCK_INVALID_FAULT'
  | 'RELAY_ERR_MOCK_CLI_ARGUMENT';

/**
 * Every error this package throws extends this class: match with `instanceof` (this class or a subclass), or by
 * `code` where an error has crossed a process boundary. `cause` holds the underlying error where there is one.
 */
export abstract class MockAnthropicError extends Error {
  abstract override readonly name: string;
  abstract readonly code: MockAnthropicErrorCode;
}

/** An option given to `createMockAnthropic()` is invalid; `option` and the message name it. */
export class InvalidMockOptionError extends MockAnthropicError {
  override readonly name = 'InvalidMockOptionError' as const;
  readonly code = 'RELAY_ERR_MOCK_INVALID_OPTION' as const;
  /** The option's name, e.g. `latencyMs` or `tls.cert`. */
  readonly option: string;
  /** What the option must be, e.g. `must be an integer >= 1`. */
  readonly requirement: string;

  constructor(option: string, requirement: string, options?: ErrorOptions) {
    super(`invalid option ${option}: ${requirement}`, options);
    this.option = option;
    this.requirement = requirement;
  }
}

/** A fault given to `mock.fault()` is invalid; `field` and the message name it. */
export class InvalidFaultError extends MockAnthropicError {
  override readonly name = 'InvalidFaultError' as const;
  readonly code = 'RELAY_ERR_MOCK_INVALID_FAULT' as const;
  /** The field's path, e.g. `fault.status` or `scope.times`. */
  readonly field: string;

  constructor(field: string, requirement: string, options?: ErrorOptions) {
    super(`invalid ${field}: ${requirement}`, options);
    this.field = field;
  }
}

/** The `mock-anthropic` command line cannot be used; the message names the flag. */
export class CliArgumentError extends MockAnthropicError {
  override readonly name = 'CliArgumentError' as const;
  readonly code = 'RELAY_ERR_MOCK_CLI_ARGUMENT' as const;
}
