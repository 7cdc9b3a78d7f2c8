import { expectPackageError } from '@relay/test-support/vitest';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseCliArguments } from './cli-arguments.js';
import {
  CliArgumentError,
  InvalidFaultError,
  InvalidMockOptionError,
  MockAnthropicError,
  type MockAnthropicErrorCode,
} from './errors.js';
import { createMockAnthropic } from './mock-anthropic.js';

const cause = new TypeError('not a number');

// Each row: the error as the package builds it, its class, the literal code a user matches on.
const errors: Array<
  [MockAnthropicError, abstract new (...args: never[]) => MockAnthropicError, MockAnthropicErrorCode]
> = [
  [
    new InvalidMockOptionError('latencyMs', 'must be >= 0', { cause }),
    InvalidMockOptionError,
    'RELAY_ERR_MOCK_INVALID_OPTION',
  ],
  [
    new InvalidFaultError('fault.status', 'must be an integer', { cause }),
    InvalidFaultError,
    'RELAY_ERR_MOCK_INVALID_FAULT',
  ],
  [new CliArgumentError('--port must be a number', { cause }), CliArgumentError, 'RELAY_ERR_MOCK_CLI_ARGUMENT'],
];

describe('mock-anthropic errors', () => {
  it.each(errors)(
    '%s: literal code and name, instanceof its class, MockAnthropicError and Error',
    (error, type, code) => {
      expectPackageError(error, type, MockAnthropicError, code);
      expect(error.cause).toBe(cause);
    },
  );

  it('names the option or the field', () => {
    expect(errors[0]?.[0]).toMatchObject({ option: 'latencyMs', requirement: 'must be >= 0' });
    expect(errors[1]?.[0]).toMatchObject({
      field: 'fault.status',
      message: 'invalid fault.status: must be an integer',
    });
  });

  it('throws them from the API and the command line', async () => {
    await expect(createMockAnthropic({ latencyMs: -1 })).rejects.toThrow(InvalidMockOptionError);
    expect(() => parseCliArguments(['--port', 'x'])).toThrow(CliArgumentError);
    const unknownFlag = (() => {
      try {
        parseCliArguments(['--no-such-flag']);
      } catch (error) {
        return error;
      }
    })();
    expect(unknownFlag).toBeInstanceOf(CliArgumentError);
    expect((unknownFlag as CliArgumentError).cause).toMatchObject({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  });

  it('types each code as its literal (a type test, checked by tsc)', () => {
    expectTypeOf(new CliArgumentError('x').code).toEqualTypeOf<'RELAY_ERR_MOCK_CLI_ARGUMENT'>();
    expectTypeOf(new InvalidFaultError('x', 'y').code).toEqualTypeOf<'RELAY_ERR_MOCK_INVALID_FAULT'>();
  });
});
