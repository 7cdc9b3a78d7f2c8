import { describe, expect, it } from 'vitest';
import { pairedRatio } from './paired-ratio.js';

const rounds = (...entries: [number, number][]) => new Map(entries);

describe('pairedRatio', () => {
  it.each<[string, Map<number, number>, Map<number, number>, number | undefined]>([
    ['the median of per-round ratios', rounds([0, 10], [1, 30], [2, 12]), rounds([0, 10], [1, 10], [2, 10]), 1.2],
    ['only the rounds both have', rounds([0, 20], [1, 99]), rounds([0, 10], [2, 10]), 2],
    ['no round in common: the medians', rounds([1, 30]), rounds([0, 10]), 3],
    ['a side without rounds', rounds(), rounds([0, 10]), undefined],
    ['a baseline without rounds', rounds([0, 10]), rounds(), undefined],
  ])('%s', (_case, values, baseline, expected) => {
    expect(pairedRatio(values, baseline)).toBe(expected);
  });
});
