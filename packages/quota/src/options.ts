import { optionReaders } from '@relay/internals';
import { QuotaInvalidArgumentError, QuotaInvalidOptionError } from './errors.js';

/** `integerOption`, `numberOption` and `stringOption`, throwing `QuotaInvalidOptionError` naming the option. */
export const { integerOption, numberOption, stringOption } = optionReaders(
  (option, expectation, value) => new QuotaInvalidOptionError(option, expectation, value),
);

/** Ids (client keys, accounts, models) end up in Redis key names and hash tags: bounded, printable, no braces. */
export function assertId(argument: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || /[{}\s]/.test(value)) {
    throw new QuotaInvalidArgumentError(
      argument,
      'a non-empty id of at most 256 characters without braces or spaces',
      value,
    );
  }
}
