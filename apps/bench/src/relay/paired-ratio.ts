import { percentile } from '../measure.js';

/** A figure per round index; refused rounds are absent. */
export type RoundFigures = ReadonlyMap<number, number>;

const median = (values: readonly number[]) => percentile(values, 50);

/**
 * value / baseline over rounds: the median of the per-round ratios over the rounds both have (a noisy machine moves
 * both sides of one round alike), else, when refusals left no round in common, the ratio of the two medians.
 * Undefined when either side has no round at all.
 */
export function pairedRatio(values: RoundFigures, baseline: RoundFigures): number | undefined {
  if (values.size === 0 || baseline.size === 0) return undefined;
  const ratios: number[] = [];
  for (const [round, value] of values) {
    const base = baseline.get(round);
    if (base !== undefined && base > 0) ratios.push(value / base);
  }
  if (ratios.length > 0) return median(ratios);
  const baseMedian = median([...baseline.values()]);
  return baseMedian > 0 ? median([...values.values()]) / baseMedian : undefined;
}
