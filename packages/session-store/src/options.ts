import { optionReaders } from '@relay/internals';
import { InvalidOptionError } from './errors.js';

/** `integerOption` and `stringOption`, throwing `InvalidOptionError` naming the option. */
export const { integerOption, stringOption } = optionReaders(
  (option, expectation, value) => new InvalidOptionError(option, expectation, value),
);
