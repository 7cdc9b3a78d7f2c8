import { InvalidMetricsOptionError } from './errors.js';

/** The label value every value outside the allowed or first-seen set is folded into. */
export const OVERFLOW_LABEL = 'other';

/** The label value used when no value was given at all. */
export const MISSING_LABEL = 'none';

/** How one label's values are kept to a bounded set. */
export interface LabelBounderOptions {
  /** Only these values are kept as they are; anything else becomes `other`. */
  allow?: readonly string[];
  /** Without `allow`: the first `maxValues` distinct values are kept, later ones become `other`. */
  maxValues?: number;
  /** Longest value kept as it is (longer values become `other`). Default 128. */
  maxLength?: number;
}

/**
 * Keeps one label's values to a bounded set, so that no input (a request header, a body field) can
 * create an unbounded number of time series: values come from an allow-list, or are the first
 * `maxValues` distinct ones seen; every other value is reported as `other`.
 */
export class LabelBounder {
  readonly #option: string;
  #allowed: Set<string> | undefined;
  readonly #seen = new Set<string>();
  readonly #maxValues: number;
  readonly #maxLength: number;

  constructor(option: string, options: LabelBounderOptions) {
    this.#option = option;
    if (options.allow !== undefined) this.allow(options.allow);
    this.#maxValues = options.maxValues ?? 100;
    if (!Number.isInteger(this.#maxValues) || this.#maxValues < 1) {
      throw new InvalidMetricsOptionError(`${option}.maxValues`, 'must be a positive integer');
    }
    this.#maxLength = options.maxLength ?? 128;
    if (!Number.isInteger(this.#maxLength) || this.#maxLength < 1) {
      throw new InvalidMetricsOptionError(`${option}.maxLength`, 'must be a positive integer');
    }
  }

  /** The label value to report for `value`: itself if it is allowed (or still fits), else `other`. */
  bound(value: string | undefined): string {
    if (value === undefined || value === '') return MISSING_LABEL;
    if (this.#allowed !== undefined) return this.#allowed.has(value) ? value : OVERFLOW_LABEL;
    if (this.#seen.has(value)) return value;
    if (typeof value !== 'string' || value.length > this.#maxLength || this.#seen.size >= this.#maxValues) {
      return OVERFLOW_LABEL;
    }
    this.#seen.add(value);
    return value;
  }

  /**
   * Makes `values` the allow-list from now on (replacing any earlier one, or the first-seen cap): the set
   * changes at runtime, e.g. when a config reload adds or removes accounts.
   */
  allow(values: readonly string[]): void {
    if (!Array.isArray(values) || values.some((value) => typeof value !== 'string' || value === '')) {
      throw new InvalidMetricsOptionError(`${this.#option}.allow`, 'must be an array of non-empty strings');
    }
    this.#allowed = new Set(values);
  }

  /** How many distinct values are reported (without `other` and `none`). */
  get size(): number {
    return this.#allowed?.size ?? this.#seen.size;
  }
}
