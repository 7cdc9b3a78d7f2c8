import { readUsage } from '@relay/quota';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/load-config.js';
import { pricingOf } from './config-pricing.js';

describe('pricingOf', () => {
  it('puts configured prices over the shipped table, filling cache rates from the input rate, and a default', () => {
    const config = validateConfig({
      pricing: {
        models: {
          'claude-sonnet-4-5': { input: 2, output: 10 },
          'house-model': { input: 1, output: 1, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 },
        },
        default: { input: 0.5, output: 0.5 },
      },
    });
    const pricing = pricingOf(config.pricing);
    const usage = readUsage({
      input_tokens: 1000,
      output_tokens: 100,
      cache_read_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 1000 },
    });
    // 1000×2 + 100×10 + 1000×2.5 + 1000×4 + 1000×0.2
    expect(pricing.price('claude-sonnet-4-5-20250929', usage)).toEqual({ costMicroUsd: 9700, knownModel: true });
    expect(pricing.price('house-model', usage)).toEqual({ costMicroUsd: 1100, knownModel: true });
    // The shipped table stays for the others: Haiku 4.5 at $1 / $5.
    expect(pricing.price('claude-haiku-4-5', readUsage({ input_tokens: 1000 })).costMicroUsd).toBe(1000);
    // 1000×0.5 + 100×0.5 + 1000×0.625 + 1000×1 + 1000×0.05
    expect(pricing.price('mystery', usage)).toEqual({ costMicroUsd: 2225, knownModel: false });
  });

  it.each([
    [{ pricing: { models: { 'bad prefix': { input: 1, output: 1 } } } }, /pricing\.models/],
    [{ pricing: { models: { m: { input: -1, output: 1 } } } }, /pricing\.models\.m\.input/],
    [{ pricing: { default: { input: 1 } } }, /pricing\.default\.output/],
    [{ quota: { leaseFraction: 0 } }, /quota\.leaseFraction/],
    [{ sessions: { keyPrefix: 'relay:{a}:' } }, /sessions\.keyPrefix: no braces/],
  ])('refuses %j naming the field', (input, message) => {
    expect(() => validateConfig(input as never)).toThrow(message);
  });
});
