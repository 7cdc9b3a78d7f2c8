import { describe, expect, it } from 'vitest';
import { optionReaders } from './option-readers.js';

class ExampleOptionError extends Error {
  constructor(
    readonly option: string,
    readonly expectation: string,
    readonly value: unknown,
  ) {
    super(`invalid option ${option}: expected ${expectation}`);
  }
}

const { integerOption, numberOption, stringOption } = optionReaders(
  (option, expectation, value) => new ExampleOptionError(option, expectation, value),
);

/** What `read` returned, or the error it threw. */
function outcome(read: () => unknown): unknown {
  try {
    return read();
  } catch (error) {
    const { option, expectation, value } = error as ExampleOptionError;
    return { error: (error as Error).constructor.name, option, expectation, value };
  }
}

const refusal = (option: string, expectation: string, value: unknown) => ({
  error: 'ExampleOptionError',
  option,
  expectation,
  value,
});

describe('optionReaders', () => {
  it.each([
    ['undefined takes the fallback', () => integerOption('size', undefined, 7), 7],
    ['an integer in range', () => integerOption('size', 3, 7), 3],
    [
      'below the default minimum of 1',
      () => integerOption('size', 0, 7),
      refusal('size', 'an integer from 1 to 9007199254740991', 0),
    ],
    ['above the maximum', () => integerOption('size', 11, 7, 0, 10), refusal('size', 'an integer from 0 to 10', 11)],
    ['a fraction', () => integerOption('size', 1.5, 7), refusal('size', 'an integer from 1 to 9007199254740991', 1.5)],
    [
      'a string',
      () => integerOption('size', '3' as never, 7),
      refusal('size', 'an integer from 1 to 9007199254740991', '3'),
    ],
  ])('integerOption: %s', (_case, read, expected) => {
    expect(outcome(read)).toEqual(expected);
  });

  it.each([
    ['undefined takes the fallback', () => numberOption('share', undefined, 0.1, 0, 1), 0.1],
    ['a fraction in range', () => numberOption('share', 0.25, 0.1, 0, 1), 0.25],
    ['out of range', () => numberOption('share', 1.5, 0.1, 0, 1), refusal('share', 'a number from 0 to 1', 1.5)],
    [
      'not finite',
      () => numberOption('share', Number.NaN, 0.1, 0, 1),
      refusal('share', 'a number from 0 to 1', Number.NaN),
    ],
    [
      'a string',
      () => numberOption('share', '0.5' as never, 0.1, 0, 1),
      refusal('share', 'a number from 0 to 1', '0.5'),
    ],
  ])('numberOption: %s', (_case, read, expected) => {
    expect(outcome(read)).toEqual(expected);
  });

  it.each([
    ['undefined takes the fallback', () => stringOption('prefix', undefined, 'relay:'), 'relay:'],
    ['an empty string when allowed', () => stringOption('prefix', '', 'relay:'), ''],
    [
      'an empty string when not',
      () => stringOption('prefix', '', 'relay:', true),
      refusal('prefix', 'a non-empty string', ''),
    ],
    ['a number', () => stringOption('prefix', 5 as never, 'relay:'), refusal('prefix', 'a string', 5)],
  ])('stringOption: %s', (_case, read, expected) => {
    expect(outcome(read)).toEqual(expected);
  });
});
