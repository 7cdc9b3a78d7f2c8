import type { HistogramBucket } from './prometheus-text.js';

/**
 * The observations between two readings of a cumulative histogram (`later` minus `earlier`, bound by bound; a
 * bound `earlier` lacks had no observation then, as before the first one); undefined when a count went down or a
 * bound disappeared (the relay restarted).
 */
export function bucketsBetween(
  earlier: readonly HistogramBucket[] | undefined,
  later: readonly HistogramBucket[] | undefined,
): HistogramBucket[] | undefined {
  if (!later) return undefined;
  const before = new Map((earlier ?? []).map((bucket) => [bucket.le, bucket.count]));
  const difference: HistogramBucket[] = [];
  for (const bucket of later) {
    const count = bucket.count - (before.get(bucket.le) ?? 0);
    if (count < 0) return undefined;
    before.delete(bucket.le);
    difference.push({ le: bucket.le, count });
  }
  return before.size === 0 ? difference : undefined;
}

/**
 * The `quantile` (0–1) of the observations in cumulative `buckets`, as Prometheus' `histogram_quantile` estimates
 * it: linear within the bucket the rank falls in (the first bucket starts at 0), the highest finite bound when it
 * falls in `+Inf`. Null without observations.
 */
export function histogramQuantile(quantile: number, buckets: readonly HistogramBucket[] | undefined): number | null {
  const total = buckets?.at(-1)?.count ?? 0;
  if (!buckets || total <= 0) return null;
  const rank = quantile * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank && bucket.count > lowerCount) {
      if (bucket.le === Number.POSITIVE_INFINITY) return lowerBound;
      return lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / (bucket.count - lowerCount);
    }
    if (bucket.le !== Number.POSITIVE_INFINITY) lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
