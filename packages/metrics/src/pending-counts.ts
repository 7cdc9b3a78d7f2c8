import type { Counter, LabelValues } from 'prom-client';

/**
 * Increments of a few series of one prom-client counter, added on the hot path as plain numbers and
 * handed to the counter when it is read (its `collect` runs before every scrape, snapshot and `get()`).
 * A labelled `Counter.inc()` validates the labels and builds a hash string on every call (a few hundred
 * ns); adding to a cell costs a few ns. The counter still holds every value and renders it.
 */
export class PendingCounts<Label extends string> {
  readonly #cells: Float64Array;
  readonly #labelsOf: (cell: number) => LabelValues<Label>;

  /** `labelsOf(cell)` names the series of each cell; it runs only when a cell is flushed. */
  constructor(cellCount: number, labelsOf: (cell: number) => LabelValues<Label>) {
    this.#cells = new Float64Array(cellCount);
    this.#labelsOf = labelsOf;
  }

  /** Adds `value` to the series of `cell`. */
  add(cell: number, value: number): void {
    this.#cells[cell] = (this.#cells[cell] as number) + value;
  }

  /** Hands every pending increment to `counter`. */
  flushInto(counter: Counter<Label>): void {
    for (let cell = 0; cell < this.#cells.length; cell += 1) {
      const value = this.#cells[cell] as number;
      if (value === 0) continue;
      this.#cells[cell] = 0;
      counter.inc(this.#labelsOf(cell), value);
    }
  }
}
