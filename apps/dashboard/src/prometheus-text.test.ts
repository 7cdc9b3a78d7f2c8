import { describe, expect, it } from 'vitest';
import { histogramBuckets, sumOfSamples } from './prometheus-text.js';

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

const ttfb = 'relay_upstream_time_to_first_byte_seconds';
const histogram = [
  `# TYPE ${ttfb} histogram`,
  `${ttfb}_bucket{le="0.25",account="a",origin="http://x"} 1`,
  `${ttfb}_bucket{le="0.5",account="a",origin="http://x"} 3`,
  `${ttfb}_bucket{le="+Inf",account="a",origin="http://x"} 4`,
  `${ttfb}_bucket{account="b",le="0.25",origin="http://x"} 2`,
  `${ttfb}_bucket{account="b",le="0.5",origin="http://x"} 2`,
  `${ttfb}_bucket{account="b",le="+Inf",origin="http://x"} 2`,
  // a label value that looks like a bound is not one
  `${ttfb}_bucket{account="le=\\"9\\"",le="0.5",origin="http://x"} 1`,
  `${ttfb}_bucket{account="c",origin="http://x"} 100`,
  `${ttfb}_bucket{le="junk",account="c"} 100`,
  `${ttfb}_sum{account="a",origin="http://x"} 1.5`,
  `${ttfb}_count{account="a",origin="http://x"} 4`,
].join('\n');

describe('histogramBuckets', () => {
  it('sums each bound over every label set and sorts by bound', () => {
    expect(histogramBuckets(histogram, ttfb)).toEqual([
      { le: 0.25, count: 3 },
      { le: 0.5, count: 6 },
      { le: Number.POSITIVE_INFINITY, count: 6 },
    ]);
  });

  it('has no bucket before the first observation', () => {
    expect(histogramBuckets(histogram, 'relay_upstream_request_duration_seconds')).toEqual([]);
  });
});
