import { QuotaInvalidArgumentError, QuotaInvalidOptionError } from './errors.js';

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
    throw new QuotaInvalidOptionError(option, `an integer from ${minimum} to ${maximum}`, value);
  }
  return value;
}

/** `value` if it is a finite number in [minimum, maximum], `fallback` when undefined. */
export function numberOption(
  option: string,
  value: number | undefined,
  fallback: number,
  minimum: number,
  maximum: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum || value > maximum) {
    throw new QuotaInvalidOptionError(option, `a number from ${minimum} to ${maximum}`, value);
  }
  return value;
}

/** `value` if it is a string (non-empty when `nonEmpty`), `fallback` when undefined. */
export function stringOption(option: string, value: string | undefined, fallback: string, nonEmpty = false): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
    throw new QuotaInvalidOptionError(option, nonEmpty ? 'a non-empty string' : 'a string', value);
  }
  return value;
}

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
