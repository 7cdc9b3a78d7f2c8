import { describe, expect, it } from 'vitest';
import { bucketsBetween, histogramQuantile } from './histogram-quantile.js';
import type { HistogramBucket } from './prometheus-text.js';

const infinity = Number.POSITIVE_INFINITY;
const buckets = (...pairs: Array<[number, number]>): HistogramBucket[] => pairs.map(([le, count]) => ({ le, count }));

describe('histogramQuantile', () => {
  it.each([
    ['one observation in (0.25, 0.5]: the middle', 0.5, buckets([0.25, 0], [0.5, 1], [infinity, 1]), 0.375],
    ['linear within the first bucket, from 0', 0.5, buckets([0.1, 4], [0.5, 4], [infinity, 4]), 0.05],
    ['p99 in the upper bucket', 0.99, buckets([0.1, 50], [0.5, 100], [infinity, 100]), 0.1 + (0.4 * (99 - 50)) / 50],
    ['empty buckets are skipped', 0.5, buckets([0.1, 0], [0.25, 0], [1, 2], [infinity, 2]), 0.25 + 0.75 * 0.5],
    ['in +Inf: the highest finite bound', 0.99, buckets([0.1, 1], [0.5, 1], [infinity, 10]), 0.5],
    ['no observations', 0.5, buckets([0.1, 0], [infinity, 0]), null],
    ['no histogram', 0.5, undefined, null],
  ])('%s', (_name, quantile, input, expected) => {
    const value = histogramQuantile(quantile, input);
    if (expected === null) expect(value).toBeNull();
    else expect(value).toBeCloseTo(expected, 10);
  });
});

describe('bucketsBetween', () => {
  it.each([
    [
      'the observations in between',
      buckets([0.1, 1], [infinity, 2]),
      buckets([0.1, 4], [infinity, 7]),
      buckets([0.1, 3], [infinity, 5]),
    ],
    ['no earlier reading: everything so far', undefined, buckets([0.1, 1]), buckets([0.1, 1])],
    ['a restart (a count went down)', buckets([0.1, 5], [infinity, 5]), buckets([0.1, 1], [infinity, 1]), undefined],
    [
      'a bound gone (a restart with other buckets)',
      buckets([0.1, 1], [infinity, 1]),
      buckets([0.2, 1], [infinity, 1]),
      undefined,
    ],
    ['no observation before: every one is new', [], buckets([0.1, 1], [infinity, 2]), buckets([0.1, 1], [infinity, 2])],
    ['no later reading', buckets([0.1, 1]), undefined, undefined],
  ])('%s', (_name, earlier, later, expected) => {
    expect(bucketsBetween(earlier, later)).toEqual(expected);
  });
});
