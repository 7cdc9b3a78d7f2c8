import { describe, expect, it } from 'vitest';
import { sumOfSamples } from './prometheus-text.js';

const exposition = [
  '# HELP relay_tokens_total Tokens reported by the upstream usage.',
  '# TYPE relay_tokens_total counter',
  'relay_tokens_total{account="a",kind="input"} 120',
  'relay_tokens_total{account="b",kind="output"} 30',
  'relay_tokens_total{account="we}ird\\"",kind="cache_read"} 5 1700000000000',
  'relay_tokens_total_created{account="a"} 1700000000',
  'relay_tokens_totals 999',
  'relay_errors_total{type="api_error"} 2',
  'relay_plain 7',
].join('\n');

describe('sumOfSamples', () => {
  it.each([
    ['relay_tokens_total', 155],
    ['relay_errors_total', 2],
    ['relay_plain', 7],
    ['relay_missing_total', undefined],
  ])('sums every label set of %s', (name, expected) => {
    expect(sumOfSamples(exposition, name)).toBe(expected);
  });
});
