/** Prices of one model in USD per million tokens (MTok). */
export interface ModelPrice {
  /** Base input tokens. */
  readonly input: number;
  /** Output tokens. */
  readonly output: number;
  /** Cache writes with the default 5-minute TTL (1.25 × input on the public list). */
  readonly cacheWrite5m: number;
  /** Cache writes with the 1-hour TTL (2 × input). */
  readonly cacheWrite1h: number;
  /** Cache hits and refreshes (0.1 × input). */
  readonly cacheRead: number;
}

/** A price from its input and output rates, with the cache rates the public list derives from input. */
export function modelPrice(input: number, output: number): ModelPrice {
  return { input, output, cacheWrite5m: input * 1.25, cacheWrite1h: input * 2, cacheRead: input / 10 };
}

/** When `claudePrices` was taken from Anthropic's public price list (docs, "Pricing", model pricing table). */
export const priceTableDate = '2026-12-01';

/**
 * Anthropic's list prices per model id prefix, as of `priceTableDate`. A model id matches the longest prefix that
 * is followed by `-` or nothing (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`). Overridable per instance.
 */
export const claudePrices: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'claude-opus-4-8': modelPrice(5, 25),
  'claude-opus-4-7': modelPrice(5, 25),
  'claude-opus-4-6': modelPrice(5, 25),
  'claude-opus-4-5': modelPrice(5, 25),
  'claude-opus-4-1': modelPrice(15, 75),
  'claude-opus-4-0': modelPrice(15, 75),
  // `claude-opus-4-20250514`: Opus 4's dated id.
  'claude-opus-4': modelPrice(15, 75),
  'claude-sonnet-4-6': modelPrice(3, 15),
  'claude-sonnet-4-5': modelPrice(3, 15),
  'claude-sonnet-4-0': modelPrice(3, 15),
  'claude-sonnet-4': modelPrice(3, 15),
  'claude-3-7-sonnet': modelPrice(3, 15),
  'claude-haiku-4-5': modelPrice(1, 5),
  // Haiku 3.5's cache rates are listed as $1 and $1.6, i.e. the same multipliers of $0.80.
  'claude-3-5-haiku': modelPrice(0.8, 4),
  // Haiku 3's list rounds its cache rates: $0.30, $0.50, $0.03 (not 1.25 × / 2 × / 0.1 × $0.25).
  'claude-3-haiku': { input: 0.25, output: 1.25, cacheWrite5m: 0.3, cacheWrite1h: 0.5, cacheRead: 0.03 },
  'claude-3-opus': modelPrice(15, 75),
});
