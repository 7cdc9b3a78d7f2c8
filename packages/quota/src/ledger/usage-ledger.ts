import { randomBytes } from 'node:crypto';
import {
  type BatchMark,
  type QuotaBackend,
  type UsageCounters,
  type UsageDelta,
  type UsageQuery,
  type UsageRow,
  zeroCounters,
} from '../backends/quota-backend.js';
import { QuotaClosedError, QuotaInvalidOptionError } from '../errors.js';
import { dayId } from '../limits/budget-window.js';
import { assertId, integerOption } from '../options.js';
import { type PricedUsage, Pricing } from '../pricing/pricing.js';
import type { TokenUsage } from '../pricing/token-usage.js';

export interface UsageLedgerOptions {
  /** Where the ledger is kept. */
  backend: QuotaBackend;
  /** Prices requests; default `new Pricing()` (the shipped table). */
  pricing?: Pricing;
  /** Longest a recorded request waits before it is written, ms. Default 1000. */
  syncIntervalMs?: number;
  /** Most rows per batch; a full batch is written at once. Default 500. */
  batchSize?: number;
  /** Most rows with unwritten changes held (while the backend is away); the oldest go first. Default 100 000. */
  maxUnsyncedRows?: number;
  /** The clock (ms), for tests. Default `Date.now`. */
  now?: () => number;
}

/** One answered request, to be billed. */
export interface UsageRecord {
  readonly keyId: string;
  readonly accountId: string;
  readonly model: string;
  readonly usage: TokenUsage;
  /** A cut or stalled stream: billed with the tokens it carried, and counted as incomplete. */
  readonly incomplete?: boolean;
}

export interface UsageLedgerStats {
  /** Rows with changes not yet confirmed by the backend. */
  unsyncedRows: number;
  /** Batches written. */
  syncBatches: number;
  /** Rows dropped because more than `maxUnsyncedRows` waited. */
  droppedRows: number;
  /** True while the last write failed. */
  degraded: boolean;
  /** Requests billed at the default price because their model was in no table. */
  unknownModelRequests: number;
}

interface Batch {
  readonly sequence: number;
  readonly deltas: readonly UsageDelta[];
}

/**
 * The usage ledger of one instance: `record` adds to rows in memory (no I/O), and the rows go to the backend as
 * counter deltas once per `syncIntervalMs`. A batch keeps its writer id and sequence until the backend confirms it,
 * and is replayed as it is, before anything newer: a batch whose reply was lost lands exactly once.
 */
export class UsageLedger {
  readonly pricing: Pricing;
  readonly #backend: QuotaBackend;
  readonly #writer = randomBytes(6).toString('base64url');
  readonly #batchSize: number;
  readonly #maxUnsyncedRows: number;
  readonly #now: () => number;
  readonly #pending = new Map<string, UsageDelta>();
  readonly #timer: NodeJS.Timeout;
  #unconfirmed: Batch | undefined;
  #sequence = 0;
  #chain: Promise<void> = Promise.resolve();
  #syncBatches = 0;
  #droppedRows = 0;
  #degraded = false;
  #closed = false;

  constructor(options: UsageLedgerOptions) {
    if (typeof options !== 'object' || options === null)
      throw new QuotaInvalidOptionError('options', 'an object', options);
    if (typeof options.backend?.applyUsage !== 'function') {
      throw new QuotaInvalidOptionError('backend', 'a QuotaBackend', options.backend);
    }
    if (options.pricing !== undefined && !(options.pricing instanceof Pricing)) {
      throw new QuotaInvalidOptionError('pricing', 'a Pricing', options.pricing);
    }
    this.#backend = options.backend;
    this.pricing = options.pricing ?? new Pricing();
    this.#batchSize = integerOption('batchSize', options.batchSize, 500);
    this.#maxUnsyncedRows = integerOption('maxUnsyncedRows', options.maxUnsyncedRows, 100_000);
    this.#now = options.now ?? Date.now;
    const syncIntervalMs = integerOption('syncIntervalMs', options.syncIntervalMs, 1000);
    this.#timer = setInterval(() => {
      if (!this.#closed) this.#sync(false).catch(() => {});
    }, syncIntervalMs).unref();
  }

  /** Bills one answered request (no I/O) and returns its cost; the row reaches the backend with the next batch. */
  record(entry: UsageRecord): PricedUsage {
    if (this.#closed) throw new QuotaClosedError('usage ledger');
    assertId('keyId', entry.keyId);
    assertId('accountId', entry.accountId);
    assertId('model', entry.model);
    const priced = this.pricing.price(entry.model, entry.usage);
    const day = dayId(this.#now());
    const rowKey = `${entry.keyId}\u0000${entry.accountId}\u0000${entry.model}\u0000${day}`;
    let delta = this.#pending.get(rowKey);
    if (!delta) {
      delta = { keyId: entry.keyId, accountId: entry.accountId, model: entry.model, day, counters: zeroCounters() };
      this.#pending.set(rowKey, delta);
      this.#dropBeyondLimit();
    }
    const counters = delta.counters as UsageCounters;
    counters.requests += 1;
    if (entry.incomplete) counters.incomplete += 1;
    counters.input += entry.usage.input;
    counters.output += entry.usage.output;
    counters.cacheRead += entry.usage.cacheRead;
    counters.cacheWrite5m += entry.usage.cacheWrite5m;
    counters.cacheWrite1h += entry.usage.cacheWrite1h;
    counters.costMicroUsd += priced.costMicroUsd;
    if (this.#pending.size >= this.#batchSize && !this.#degraded) this.#sync(false).catch(() => {});
    return priced;
  }

  /** Writes everything recorded so far; rejects (rows kept for the next try) when the backend cannot take it. */
  async flush(): Promise<void> {
    await this.#sync(true);
  }

  /** The stored rows (what other instances wrote included; this instance's unwritten rows are not). */
  async read(query: UsageQuery): Promise<UsageRow[]> {
    return await this.#backend.readUsage(query);
  }

  stats(): UsageLedgerStats {
    return {
      unsyncedRows: this.#pending.size + (this.#unconfirmed?.deltas.length ?? 0),
      syncBatches: this.#syncBatches,
      droppedRows: this.#droppedRows,
      degraded: this.#degraded,
      unknownModelRequests: this.pricing.unknownModelRequests,
    };
  }

  /** Flushes and stops; the backend is the caller's to close. */
  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#timer);
    try {
      await this.flush();
    } finally {
      this.#closed = true;
    }
  }

  #sync(everything: boolean): Promise<void> {
    const run = this.#chain.then(() => this.#drain(everything));
    this.#chain = run.catch(() => {});
    return run;
  }

  async #drain(everything: boolean): Promise<void> {
    const next = () => (everything || this.#pending.size >= this.#batchSize ? this.#takeBatch() : undefined);
    for (let batch = this.#unconfirmed ?? this.#takeBatch(); batch; batch = next()) {
      const mark: BatchMark = { writer: this.#writer, sequence: batch.sequence };
      // Held as unconfirmed before the write: if the reply never comes, Redis may hold it or not.
      this.#unconfirmed = batch;
      try {
        await this.#backend.applyUsage(batch.deltas, mark);
      } catch (error) {
        this.#degraded = true;
        throw error;
      }
      this.#unconfirmed = undefined;
      this.#degraded = false;
      this.#syncBatches += 1;
    }
  }

  #takeBatch(): Batch | undefined {
    if (this.#pending.size === 0) return undefined;
    const deltas: UsageDelta[] = [];
    for (const [rowKey, delta] of this.#pending) {
      if (deltas.length >= this.#batchSize) break;
      deltas.push(delta);
      this.#pending.delete(rowKey);
    }
    this.#sequence += 1;
    return { sequence: this.#sequence, deltas };
  }

  #dropBeyondLimit(): void {
    // Bounded memory while the backend is away: the oldest rows go first, and are counted.
    while (this.#pending.size > this.#maxUnsyncedRows) {
      const oldest = this.#pending.keys().next().value as string;
      this.#pending.delete(oldest);
      this.#droppedRows += 1;
    }
  }
}
