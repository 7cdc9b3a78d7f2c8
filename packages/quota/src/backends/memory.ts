import { QuotaClosedError } from '../errors.js';
import { bucketIndex, rollingState, takeBudgetUnits } from '../limits/budget-arithmetic.js';
import type { WindowSpan } from '../limits/budget-window.js';
import { returnGcra, takeGcra, usedGcra } from '../limits/gcra.js';
import {
  type BatchMark,
  counterNames,
  type Grant,
  type QuotaBackend,
  type RateSpec,
  type UsageDelta,
  type UsageQuery,
  type UsageRow,
  zeroCounters,
} from './quota-backend.js';

export interface MemoryQuotaBackendOptions {
  /** The clock (ms), for tests. Default `Date.now`. */
  now?: () => number;
}

interface Holding {
  count: number;
  expiresAt: number;
}

/**
 * The quota backend in one process: limiters and ledgers that share this object share its limits, as instances
 * sharing a Redis would. Calendar budgets and ledger days are kept until `close()`; expired rates are not swept
 * (one number per rate name).
 */
export class MemoryQuotaBackend implements QuotaBackend {
  readonly backend: string = 'memory';
  readonly #now: () => number;
  readonly #rates = new Map<string, number>();
  readonly #calendar = new Map<string, number>();
  readonly #rolling = new Map<string, Map<number, number>>();
  readonly #slots = new Map<string, Map<string, Holding>>();
  /** Ledger rows by key × day, then by account × model (the Redis layout: one hash per key × day). */
  readonly #ledger = new Map<string, Map<string, UsageRow>>();
  readonly #marks = new Map<string, Map<string, number>>();
  #closed = false;

  constructor(options: MemoryQuotaBackendOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async takeRate(name: string, rate: RateSpec, want: number): Promise<Grant> {
    this.#assertOpen();
    const taken = takeGcra(this.#rates.get(name), rate, want, this.#now());
    this.#rates.set(name, taken.tat);
    return { granted: taken.granted, retryAfterMs: taken.retryAfterMs };
  }

  async returnRate(name: string, rate: RateSpec, units: number): Promise<void> {
    this.#assertOpen();
    if (this.#rates.has(name)) this.#rates.set(name, returnGcra(this.#rates.get(name), rate, units, this.#now()));
  }

  async takeBudget(name: string, span: WindowSpan, limit: number, want: number, nowMs: number): Promise<Grant> {
    this.#assertOpen();
    if (span.kind === 'calendar') {
      const key = `${name}\u0000${span.id}`;
      const grant = takeBudgetUnits(this.#calendar.get(key) ?? 0, limit, want, span.endMs - nowMs);
      this.#calendar.set(key, (this.#calendar.get(key) ?? 0) + grant.granted);
      return grant;
    }
    const buckets = this.#bucketsOf(name, span);
    const state = rollingState(buckets, span, nowMs);
    for (const index of state.expired) buckets.delete(index);
    const grant = takeBudgetUnits(state.used, limit, want, state.freesInMs);
    const current = bucketIndex(span, nowMs);
    buckets.set(current, (buckets.get(current) ?? 0) + grant.granted);
    return grant;
  }

  async chargeBudget(name: string, span: WindowSpan, units: number, nowMs: number): Promise<void> {
    this.#assertOpen();
    if (span.kind === 'calendar') {
      const key = `${name}\u0000${span.id}`;
      this.#calendar.set(key, Math.max(0, (this.#calendar.get(key) ?? 0) + units));
      return;
    }
    const buckets = this.#bucketsOf(name, span);
    const current = bucketIndex(span, nowMs);
    buckets.set(current, Math.max(0, (buckets.get(current) ?? 0) + units));
  }

  async holdSlots(name: string, holder: string, limit: number, want: number, ttlMs: number): Promise<number> {
    this.#assertOpen();
    const now = this.#now();
    let holdings = this.#slots.get(name);
    if (!holdings) {
      holdings = new Map();
      this.#slots.set(name, holdings);
    }
    let others = 0;
    for (const [id, holding] of holdings) {
      if (holding.expiresAt <= now) holdings.delete(id);
      else if (id !== holder) others += holding.count;
    }
    const current = holdings.get(holder)?.count ?? 0;
    const count = want <= current ? want : Math.max(current, Math.min(want, limit - others));
    if (count <= 0) holdings.delete(holder);
    else holdings.set(holder, { count, expiresAt: now + ttlMs });
    return Math.max(0, count);
  }

  async rateUsed(name: string, rate: RateSpec): Promise<number> {
    this.#assertOpen();
    return usedGcra(this.#rates.get(name), rate, this.#now());
  }

  async budgetUsed(name: string, span: WindowSpan, nowMs: number): Promise<number> {
    this.#assertOpen();
    if (span.kind === 'calendar') return this.#calendar.get(`${name}\u0000${span.id}`) ?? 0;
    return rollingState(this.#rolling.get(`${name}\u0000${span.id}`) ?? new Map(), span, nowMs).used;
  }

  async slotsHeld(name: string): Promise<number> {
    this.#assertOpen();
    const now = this.#now();
    let held = 0;
    for (const holding of this.#slots.get(name)?.values() ?? []) if (holding.expiresAt > now) held += holding.count;
    return held;
  }

  async applyUsage(deltas: readonly UsageDelta[], mark: BatchMark): Promise<void> {
    this.#assertOpen();
    const groups = new Map<string, UsageDelta[]>();
    for (const delta of deltas) {
      const group = `${delta.keyId}\u0000${delta.day}`;
      groups.set(group, [...(groups.get(group) ?? []), delta]);
    }
    for (const [group, members] of groups) {
      let marks = this.#marks.get(group);
      if (!marks) {
        marks = new Map();
        this.#marks.set(group, marks);
      }
      if ((marks.get(mark.writer) ?? 0) >= mark.sequence) continue;
      marks.set(mark.writer, mark.sequence);
      let rows = this.#ledger.get(group);
      if (!rows) {
        rows = new Map();
        this.#ledger.set(group, rows);
      }
      for (const delta of members) {
        const field = JSON.stringify([delta.accountId, delta.model]);
        const row = rows.get(field) ?? { ...delta, counters: zeroCounters() };
        const counters = { ...row.counters };
        for (const name of counterNames) counters[name] += delta.counters[name];
        rows.set(field, {
          keyId: delta.keyId,
          accountId: delta.accountId,
          model: delta.model,
          day: delta.day,
          counters,
        });
      }
    }
  }

  async readUsage(query: UsageQuery): Promise<UsageRow[]> {
    this.#assertOpen();
    const rows: UsageRow[] = [];
    for (const keyId of query.keyIds) {
      for (const [group, members] of this.#ledger) {
        const [groupKey, day] = group.split('\u0000') as [string, string];
        if (groupKey === keyId && day >= query.fromDay && day <= query.toDay) rows.push(...members.values());
      }
    }
    return rows;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #bucketsOf(name: string, span: WindowSpan): Map<number, number> {
    const key = `${name}\u0000${span.id}`;
    let buckets = this.#rolling.get(key);
    if (!buckets) {
      buckets = new Map();
      this.#rolling.set(key, buckets);
    }
    return buckets;
  }

  #assertOpen(): void {
    if (this.#closed) throw new QuotaClosedError('quota backend');
  }
}
