import type { WindowSpan } from '../limits/budget-window.js';

/** What a backend grants of a shared allowance. */
export interface Grant {
  /** Units granted, from 0 to the units asked for. */
  readonly granted: number;
  /** When fewer were granted than asked: ms until at least one more unit frees (0 otherwise). */
  readonly retryAfterMs: number;
}

/** A GCRA rate: `limit` units per `periodMs`, with a burst of up to `limit` at once. */
export interface RateSpec {
  readonly limit: number;
  readonly periodMs: number;
}

/** One ledger row's change: counters of one client key × account × model × UTC day. */
export interface UsageDelta {
  readonly keyId: string;
  readonly accountId: string;
  readonly model: string;
  /** UTC day, `YYYYMMDD`. */
  readonly day: string;
  readonly counters: UsageCounters;
}

/** The counters of a ledger row; every one an integer. */
export interface UsageCounters {
  requests: number;
  /** Requests whose stream was cut or stalled: billed with the tokens they carried. */
  incomplete: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  /** Integer micro-dollars. */
  costMicroUsd: number;
}

/** A batch's identity: the writer (one per ledger instance) and its growing sequence number. */
export interface BatchMark {
  readonly writer: string;
  readonly sequence: number;
}

/** Which ledger rows to read: the keys, and the UTC days from `fromDay` to `toDay` inclusive (`YYYYMMDD`). */
export interface UsageQuery {
  readonly keyIds: readonly string[];
  readonly fromDay: string;
  readonly toDay: string;
}

/** One ledger row as stored. */
export interface UsageRow extends Omit<UsageDelta, 'counters'> {
  readonly counters: Readonly<UsageCounters>;
}

/**
 * Where limits, budgets, concurrency slots and the ledger are shared. A backend only keeps shared counters; the
 * per-instance leasing, local checks and batching live in `QuotaLimiter` and `UsageLedger`, which call it rarely.
 * Every name is an opaque string chosen by the caller (one per client key and limit); a backend never trusts it to
 * be anything but a string. "Across instances" means: every backend object pointed at the same store (the same
 * Redis and key prefix, or the same `MemoryQuotaBackend`), from any process.
 */
export interface QuotaBackend {
  /** A short name of the backend kind (`memory`, `redis`). */
  readonly backend: string;

  /**
   * Takes up to `want` units of the GCRA rate `name`. Across instances, the units granted in any span of time `t`
   * never exceed `limit × (1 + t / periodMs)` (a full burst, then `limit` per period). `want` may exceed `limit`:
   * at most the allowance is granted.
   */
  takeRate(name: string, rate: RateSpec, want: number): Promise<Grant>;

  /** Gives back `units` unspent units of `name` (as if they were never taken; never more than were taken). */
  returnRate(name: string, rate: RateSpec, units: number): Promise<void>;

  /**
   * Takes up to `want` units of budget `name` in the window span `span` (a calendar window by its id, or a rolling
   * one over its buckets), never letting the units taken in the window exceed `limit` across instances.
   * `retryAfterMs`: until the calendar window ends, or until the oldest rolling bucket leaves the window.
   */
  takeBudget(name: string, span: WindowSpan, limit: number, want: number, nowMs: number): Promise<Grant>;

  /** Adds `units` already spent beyond what was taken (debt: cost known only after the request) to `name`'s window. */
  chargeBudget(name: string, span: WindowSpan, units: number, nowMs: number): Promise<void>;

  /**
   * Sets how many of the concurrency slots `name` the instance `holder` holds: raises it to `want` only as far as
   * `limit` minus every other live holder's allows (across instances the sum never exceeds `limit`), lowers it at
   * once. Holdings expire `ttlMs` after their last set unless set again (a crashed instance frees its slots).
   * Returns the count now held.
   */
  holdSlots(name: string, holder: string, limit: number, want: number, ttlMs: number): Promise<number>;

  /**
   * Units of the GCRA rate `name` in use now, across instances (read-only): `ceil((tat - now) / (periodMs / limit))`
   * from 0 (unused) to `limit` (a full burst just taken). Leased units that no request spent yet count as used.
   */
  rateUsed(name: string, rate: RateSpec): Promise<number>;

  /** Units taken of budget `name` in the window span `span`, across instances (read-only; debt charges included). */
  budgetUsed(name: string, span: WindowSpan, nowMs: number): Promise<number>;

  /** Concurrency slots of `name` held now by every live holder together (read-only). */
  slotsHeld(name: string): Promise<number>;

  /**
   * Adds each delta to its ledger row, exactly once per `mark`: a batch applied again with the same mark (a replay
   * after a lost reply) adds nothing it added before, and a writer's batches must arrive in sequence order.
   */
  applyUsage(deltas: readonly UsageDelta[], mark: BatchMark): Promise<void>;

  /** The ledger rows of the query's keys and days, in no particular order. */
  readUsage(query: UsageQuery): Promise<UsageRow[]>;

  /** Releases the backend's connections (a caller-owned Redis client is left open). */
  close(): Promise<void>;
}

/** A row's counters, all zero. */
export function zeroCounters(): UsageCounters {
  return {
    requests: 0,
    incomplete: 0,
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    costMicroUsd: 0,
  };
}

export const counterNames = [
  'requests',
  'incomplete',
  'input',
  'output',
  'cacheRead',
  'cacheWrite5m',
  'cacheWrite1h',
  'costMicroUsd',
] as const satisfies ReadonlyArray<keyof UsageCounters>;
