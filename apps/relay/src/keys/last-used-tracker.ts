/**
 * When each key was last used, kept in memory on the request path (one Map write) and handed out in batches for
 * the store: `pending()` gives the keys used since their time was last written, so each key is written at most
 * once per flush interval however busy it is.
 */
export class LastUsedTracker {
  readonly #latest = new Map<string, number>();
  readonly #written = new Map<string, number>();

  /** The request path: `id` was used at `at` (epoch ms). */
  touch(id: string, at: number): void {
    this.#latest.set(id, at);
  }

  /** This process's latest use of `id`. */
  latest(id: string): number | undefined {
    return this.#latest.get(id);
  }

  /** Uses not yet written, for the keys `include` accepts. */
  pending(include: (id: string) => boolean): Map<string, number> {
    const pending = new Map<string, number>();
    for (const [id, at] of this.#latest) {
      if (at > (this.#written.get(id) ?? 0) && include(id)) pending.set(id, at);
    }
    return pending;
  }

  /** The store took these times. */
  written(times: ReadonlyMap<string, number>): void {
    for (const [id, at] of times) this.#written.set(id, at);
  }

  /** Forgets a revoked key. */
  forget(id: string): void {
    this.#latest.delete(id);
    this.#written.delete(id);
  }
}
