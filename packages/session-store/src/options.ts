import { InvalidOptionError } from './errors.js';

/** `value` if it is an integer in [minimum, maximum], `fallback` when undefined; otherwise throws naming `option`. */
export function integerOption(
  option: string,
  value: number | undefined,
  fallback: number,
  minimum = 1,
  maximum = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < minimum || value > maximum) {
    throw new InvalidOptionError(option, `an integer from ${minimum} to ${maximum}`, value);
  }
  return value;
}

/** `value` if it is a string (empty allowed unless `nonEmpty`), `fallback` when undefined. */
export function stringOption(option: string, value: string | undefined, fallback: string, nonEmpty = false): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
    throw new InvalidOptionError(option, nonEmpty ? 'a non-empty string' : 'a string', value);
  }
  return value;
}
