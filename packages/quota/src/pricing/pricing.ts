import { QuotaInvalidOptionError } from '../errors.js';
import { claudePrices, type ModelPrice } from './price-table.js';
import type { TokenUsage } from './token-usage.js';

const priceFields = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'] as const;

/** A price converted to integer nano-dollars per token ($1/MTok = 1 µ$/token = 1000 n$/token). */
type NanoPrice = Readonly<Record<(typeof priceFields)[number], number>>;

export interface PricingOptions {
  /** Prices per model id prefix; merged over the shipped `claudePrices` (a caller's entry wins). */
  prices?: Readonly<Record<string, ModelPrice>>;
  /** What a model found in no table is billed at. Default: the most expensive shipped price (Opus 4.1's). */
  defaultPrice?: ModelPrice;
}

/** The cost of one request. */
export interface PricedUsage {
  /** Integer micro-dollars: the exact sum in nano-dollars, rounded half up once per request. */
  readonly costMicroUsd: number;
  /** False when the model was in no table and `defaultPrice` was used. */
  readonly knownModel: boolean;
}

/** The cost of `usage` at `price`, in integer micro-dollars (half up, once, on the exact nano-dollar sum). */
export function costMicroUsd(price: NanoPrice, usage: TokenUsage): number {
  let nano = 0;
  for (const field of priceFields) nano += usage[field] * price[field];
  return Math.floor((nano + 500) / 1000);
}

/** Prices requests by model: the shipped table, the caller's overrides, and a default for unknown models. */
export class Pricing {
  readonly #prices = new Map<string, NanoPrice>();
  readonly #defaultPrice: NanoPrice;
  /** Longest prefix first, so that `claude-opus-4-5` wins over `claude-opus-4`. */
  readonly #prefixes: string[];
  readonly #matched = new Map<string, NanoPrice | undefined>();
  #unknownModelRequests = 0;

  constructor(options: PricingOptions = {}) {
    const merged: Record<string, ModelPrice> = { ...claudePrices, ...(options.prices ?? {}) };
    for (const [model, price] of Object.entries(merged)) this.#prices.set(model, toNano(`prices.${model}`, price));
    this.#defaultPrice = toNano(
      'defaultPrice',
      options.defaultPrice ?? (claudePrices['claude-opus-4-1'] as ModelPrice),
    );
    this.#prefixes = [...this.#prices.keys()].sort((left, right) => right.length - left.length);
  }

  /** The cost of one answered request of `model`; an unknown model is billed at `defaultPrice` and counted. */
  price(model: string, usage: TokenUsage): PricedUsage {
    const price = this.#lookup(model);
    if (!price) this.#unknownModelRequests += 1;
    return { costMicroUsd: costMicroUsd(price ?? this.#defaultPrice, usage), knownModel: price !== undefined };
  }

  /** Requests priced at `defaultPrice` because their model was in no table. */
  get unknownModelRequests(): number {
    return this.#unknownModelRequests;
  }

  #lookup(model: string): NanoPrice | undefined {
    if (this.#matched.has(model)) return this.#matched.get(model);
    let found: NanoPrice | undefined;
    for (const prefix of this.#prefixes) {
      if (model === prefix || model.startsWith(`${prefix}-`)) {
        found = this.#prices.get(prefix);
        break;
      }
    }
    // Bounded: model names come from clients, and an attacker could send a new one per request.
    if (this.#matched.size < 1000) this.#matched.set(model, found);
    return found;
  }
}

function toNano(option: string, price: ModelPrice): NanoPrice {
  if (typeof price !== 'object' || price === null) throw new QuotaInvalidOptionError(option, 'a price object', price);
  const nano: Record<string, number> = {};
  for (const field of priceFields) {
    const value = price[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 10_000) {
      throw new QuotaInvalidOptionError(`${option}.${field}`, 'USD per million tokens from 0 to 10000', value);
    }
    // $/MTok × 1000 = n$/token; list prices have at most three decimals, so this is exact for them.
    nano[field] = Math.round(value * 1000);
  }
  return nano as NanoPrice;
}
