/** Percentiles of the recent request durations of one key, ms. */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * The last `capacity` request durations of one key with their end times, in a ring buffer: recording is O(1) and
 * allocation-free, summaries sort a copy. Samples older than the window are dropped by `prune`.
 */
export class LatencyWindow {
  readonly #durations: Float64Array;
  readonly #endedAt: Float64Array;
  #next = 0;
  #count = 0;

  constructor(capacity: number) {
    this.#durations = new Float64Array(capacity);
    this.#endedAt = new Float64Array(capacity);
  }

  /** Records one duration (ms) that ended at `now` (ms since the epoch). */
  record(durationMs: number, now = Date.now()): void {
    this.#durations[this.#next] = durationMs;
    this.#endedAt[this.#next] = now;
    this.#next = (this.#next + 1) % this.#durations.length;
    if (this.#count < this.#durations.length) this.#count += 1;
  }

  /** Forgets samples that ended before `oldest` (ms since the epoch). */
  prune(oldest: number): void {
    const capacity = this.#durations.length;
    // The oldest samples sit right after the write position; drop them while they are stale.
    while (this.#count > 0) {
      const index = (this.#next - this.#count + capacity) % capacity;
      if ((this.#endedAt[index] as number) >= oldest) break;
      this.#count -= 1;
    }
  }

  /** The summary of the samples held, or undefined when there are none. */
  summary(): LatencySummary | undefined {
    if (this.#count === 0) return undefined;
    const capacity = this.#durations.length;
    const values = new Float64Array(this.#count);
    for (let offset = 0; offset < this.#count; offset += 1) {
      values[offset] = this.#durations[(this.#next - this.#count + offset + capacity) % capacity] as number;
    }
    values.sort();
    const at = (p: number) => values[Math.min(values.length - 1, Math.ceil(p * values.length) - 1)] as number;
    let total = 0;
    for (const value of values) total += value;
    return {
      count: values.length,
      mean: total / values.length,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: values[values.length - 1] as number,
    };
  }
}
