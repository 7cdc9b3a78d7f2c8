/**
 * Counters over a sliding time window, kept in a ring of fixed-width buckets: adding is O(1) and
 * allocation-free (the hot path calls it on every request), and a total covers the last `bucketCount`
 * buckets, i.e. between `windowMs - bucketMs` and `windowMs` of history. prom-client's counters only
 * go up since start, so the rates the thresholds judge need this window of their own.
 */
export class SlidingWindow<Slot extends string> {
  readonly windowMs: number;
  readonly #bucketMs: number;
  readonly #bucketCount: number;
  readonly #slotIndex: ReadonlyMap<Slot, number>;
  readonly #slotCount: number;
  /** `bucketCount` rows of `slotCount` values each. */
  readonly #values: Float64Array;
  /** The bucket number (time / bucketMs) of the newest bucket written, or -Infinity before the first. */
  #newestBucket = Number.NEGATIVE_INFINITY;

  constructor(slots: readonly Slot[], windowMs: number, bucketCount: number) {
    this.windowMs = windowMs;
    this.#bucketCount = bucketCount;
    this.#bucketMs = windowMs / bucketCount;
    this.#slotIndex = new Map(slots.map((slot, index) => [slot, index]));
    this.#slotCount = slots.length;
    this.#values = new Float64Array(bucketCount * slots.length);
  }

  /** Adds `value` to `slot` in the bucket of time `now` (ms). */
  add(slot: Slot, value: number, now: number): void {
    const row = this.#advance(now);
    const index = row * this.#slotCount + (this.#slotIndex.get(slot) as number);
    this.#values[index] = (this.#values[index] as number) + value;
  }

  /** The sum of `slot` over the window that ends at `now` (ms). */
  total(slot: Slot, now: number): number {
    this.#advance(now);
    const column = this.#slotIndex.get(slot) as number;
    let sum = 0;
    for (let row = 0; row < this.#bucketCount; row += 1) sum += this.#values[row * this.#slotCount + column] as number;
    return sum;
  }

  /** Forgets everything. */
  clear(): void {
    this.#values.fill(0);
    this.#newestBucket = Number.NEGATIVE_INFINITY;
  }

  /** Moves the window to `now`, zeroing the buckets it slid past; returns the row of `now`'s bucket. */
  #advance(now: number): number {
    const bucket = Math.floor(now / this.#bucketMs);
    if (bucket > this.#newestBucket) {
      const stale = Math.min(bucket - this.#newestBucket, this.#bucketCount);
      for (let step = 0; step < stale; step += 1) {
        const row = (bucket - step) % this.#bucketCount;
        this.#values.fill(0, row * this.#slotCount, (row + 1) * this.#slotCount);
      }
      this.#newestBucket = bucket;
    }
    // A time older than the window (a clock that stepped back) lands in the newest bucket rather than
    // in a row that now holds a newer bucket.
    const target = bucket > this.#newestBucket - this.#bucketCount ? bucket : this.#newestBucket;
    return target % this.#bucketCount;
  }
}
