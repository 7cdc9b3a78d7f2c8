import { type ModelPrice, modelPrice, Pricing } from '@relay/quota';
import type { ModelPriceConfig, RelayConfig } from '../config/config-schema.js';

/** A configured price, its cache rates filled from the list's multiples of `input` where the config gives none. */
export function modelPriceOf(price: ModelPriceConfig): ModelPrice {
  const listed = modelPrice(price.input, price.output);
  return {
    input: price.input,
    output: price.output,
    cacheWrite5m: price.cacheWrite5m ?? listed.cacheWrite5m,
    cacheWrite1h: price.cacheWrite1h ?? listed.cacheWrite1h,
    cacheRead: price.cacheRead ?? listed.cacheRead,
  };
}

/** The relay's pricing: the shipped table of @relay/quota with `pricing.models` over it, and `pricing.default`. */
export function pricingOf(config: RelayConfig['pricing']): Pricing {
  const prices = Object.fromEntries(
    Object.entries(config.models).map(([prefix, price]) => [prefix, modelPriceOf(price)]),
  );
  return new Pricing({ prices, ...(config.default ? { defaultPrice: modelPriceOf(config.default) } : {}) });
}
