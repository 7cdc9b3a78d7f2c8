/** Makes the package's own error for an invalid option, naming the option and what it expected. */
export type InvalidOptionFactory = (option: string, expectation: string, value: unknown) => Error;

/** Readers of constructor options: each returns the value, or the fallback when it is undefined, or throws. */
export interface OptionReaders {
  /** `value` if it is an integer in [minimum, maximum], `fallback` when undefined; otherwise throws naming `option`. */
  integerOption(
    option: string,
    value: number | undefined,
    fallback: number,
    minimum?: number,
    maximum?: number,
  ): number;
  /** `value` if it is a finite number in [minimum, maximum], `fallback` when undefined. */
  numberOption(option: string, value: number | undefined, fallback: number, minimum: number, maximum: number): number;
  /** `value` if it is a string (empty allowed unless `nonEmpty`), `fallback` when undefined. */
  stringOption(option: string, value: string | undefined, fallback: string, nonEmpty?: boolean): string;
}

/** The option readers of a package, throwing the errors `invalid` makes (each package keeps its own error codes). */
export function optionReaders(invalid: InvalidOptionFactory): OptionReaders {
  return {
    integerOption(option, value, fallback, minimum = 1, maximum = Number.MAX_SAFE_INTEGER) {
      if (value === undefined) return fallback;
      if (!Number.isInteger(value) || value < minimum || value > maximum) {
        throw invalid(option, `an integer from ${minimum} to ${maximum}`, value);
      }
      return value;
    },
    numberOption(option, value, fallback, minimum, maximum) {
      if (value === undefined) return fallback;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum || value > maximum) {
        throw invalid(option, `a number from ${minimum} to ${maximum}`, value);
      }
      return value;
    },
    stringOption(option, value, fallback, nonEmpty = false) {
      if (value === undefined) return fallback;
      if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
        throw invalid(option, nonEmpty ? 'a non-empty string' : 'a string', value);
      }
      return value;
    },
  };
}
