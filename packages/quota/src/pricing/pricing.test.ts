import { describe, expect, it } from 'vitest';
import { QuotaInvalidOptionError } from '../errors.js';
import { claudePrices } from './price-table.js';
import { Pricing } from './pricing.js';
import { readUsage } from './token-usage.js';

// Each row: a usage block as the Messages API sends it, and its cost worked out by hand from the public list
// ($/MTok = µ$/token): the sum over kinds, rounded half up to a micro-dollar once per request.
const bills = [
  {
    model: 'claude-sonnet-4-5-20250929',
    usage: {
      input_tokens: 1000,
      output_tokens: 500,
      cache_read_input_tokens: 10_000,
      cache_creation_input_tokens: 3000,
      cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 1000 },
    },
    // 1000×3 + 500×15 + 2000×3.75 + 1000×6 + 10000×0.30 = 3000 + 7500 + 7500 + 6000 + 3000
    costMicroUsd: 27_000,
  },
  {
    // No breakdown: cache_creation_input_tokens are 5-minute writes.
    model: 'claude-opus-4-6',
    usage: { input_tokens: 10, output_tokens: 20, cache_creation_input_tokens: 100, cache_read_input_tokens: 50 },
    // 10×5 + 20×25 + 100×6.25 + 50×0.50 = 50 + 500 + 625 + 25
    costMicroUsd: 1200,
  },
  {
    model: 'claude-haiku-4-5-20251001',
    usage: {
      input_tokens: 7,
      output_tokens: 3,
      cache_read_input_tokens: 13,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 11 },
    },
    // 7×1 + 3×5 + 11×2 + 13×0.10 = 7 + 15 + 22 + 1.3 = 45.3 → 45
    costMicroUsd: 45,
  },
  {
    // The breakdown wins over the total: these 5 tokens are 1-hour writes (10 µ$), not 5-minute ones (6.25).
    model: 'claude-haiku-4-5',
    usage: { cache_creation_input_tokens: 5, cache_creation: { ephemeral_1h_input_tokens: 5 } },
    costMicroUsd: 10,
  },
  {
    // Half up: 5 cache-read tokens at $0.10/MTok are 0.5 µ$.
    model: 'claude-haiku-4-5',
    usage: { cache_read_input_tokens: 5 },
    costMicroUsd: 1,
  },
  {
    model: 'claude-opus-4-1-20250805',
    usage: { input_tokens: 1, output_tokens: 1 },
    costMicroUsd: 90,
  },
  {
    model: 'claude-3-5-haiku-20241022',
    usage: { input_tokens: 1, cache_creation_input_tokens: 1, cache_read_input_tokens: 1 },
    // 0.80 + 1 + 0.08 = 1.88 → 2
    costMicroUsd: 2,
  },
  {
    model: 'claude-opus-4-20250514',
    usage: { output_tokens: 2 },
    costMicroUsd: 150,
  },
] as const;

describe('Pricing', () => {
  it.each(bills)('bills $model at $costMicroUsd µ$', ({ model, usage, costMicroUsd }) => {
    expect(new Pricing().price(model, readUsage(usage))).toEqual({ costMicroUsd, knownModel: true });
  });

  it('adds up a fixed set of usage blocks to the hand-computed total', () => {
    const pricing = new Pricing();
    const total = bills.reduce((sum, bill) => sum + pricing.price(bill.model, readUsage(bill.usage)).costMicroUsd, 0);
    expect(total).toBe(27_000 + 1200 + 45 + 10 + 1 + 90 + 2 + 150);
  });

  it('bills an unknown model at the default price and counts it', () => {
    const pricing = new Pricing();
    expect(pricing.price('gpt-4o', readUsage({ input_tokens: 1000 }))).toEqual({
      costMicroUsd: 15_000,
      knownModel: false,
    });
    const cheap = new Pricing({
      defaultPrice: { input: 1, output: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1 },
    });
    expect(cheap.price('mystery', readUsage({ input_tokens: 1000 })).costMicroUsd).toBe(1000);
    expect(cheap.price('mystery', readUsage({ input_tokens: 1 })).costMicroUsd).toBe(1);
    expect(cheap.unknownModelRequests).toBe(2);
    expect(pricing.unknownModelRequests).toBe(1);
  });

  it('lets the caller override a shipped price and add a model', () => {
    const pricing = new Pricing({
      prices: {
        'claude-sonnet-4-5': { input: 2, output: 10, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.2 },
        'my-model': { input: 1, output: 2, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 },
      },
    });
    expect(pricing.price('claude-sonnet-4-5-20250929', readUsage({ input_tokens: 1000 })).costMicroUsd).toBe(2000);
    expect(pricing.price('my-model', readUsage({ output_tokens: 1000 }))).toEqual({
      costMicroUsd: 2000,
      knownModel: true,
    });
    // Other shipped prices stay.
    expect(pricing.price('claude-opus-4-6', readUsage({ input_tokens: 1000 })).costMicroUsd).toBe(5000);
  });

  it('ships the cache multipliers of the public list for the current models', () => {
    for (const model of ['claude-opus-4-6', 'claude-opus-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5']) {
      const price = claudePrices[model];
      expect(price?.cacheWrite5m).toBe((price?.input ?? 0) * 1.25);
      expect(price?.cacheWrite1h).toBe((price?.input ?? 0) * 2);
      expect(price?.cacheRead).toBeCloseTo((price?.input ?? 0) / 10, 10);
    }
  });

  it.each([
    [{ prices: { x: { input: -1, output: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1 } } }, /prices\.x\.input/],
    [
      { defaultPrice: { input: 1, output: Number.NaN, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1 } },
      /defaultPrice\.output/,
    ],
  ])('rejects a bad price naming the option', (options, message) => {
    expect(() => new Pricing(options)).toThrow(QuotaInvalidOptionError);
    expect(() => new Pricing(options)).toThrow(message);
  });
});

describe('readUsage', () => {
  it.each([
    [undefined, { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 }],
    ['nonsense', { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 }],
    [
      { input_tokens: -5, output_tokens: 1.5, cache_read_input_tokens: '9', cache_creation_input_tokens: 1e30 },
      { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
    ],
    [
      { input_tokens: 3, cache_creation_input_tokens: 4, cache_creation: null },
      { input: 3, output: 0, cacheRead: 0, cacheWrite5m: 4, cacheWrite1h: 0 },
    ],
  ])('reads %j as %j, never throwing', (usage, expected) => {
    expect(readUsage(usage)).toEqual(expected);
  });
});
