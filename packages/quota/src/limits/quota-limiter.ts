import { randomBytes } from 'node:crypto';
import type { QuotaBackend, RateSpec } from '../backends/quota-backend.js';
import { QuotaClosedError, QuotaInvalidOptionError } from '../errors.js';
import { assertId, integerOption, numberOption } from '../options.js';
import { Allowance } from './allowance.js';
import { type BudgetWindow, windowSpan } from './budget-window.js';
import { type KeyLimits, type LimitKind, type NormalizedLimits, normalizeLimits } from './key-limits.js';

export interface QuotaLimiterOptions {
  /** Where the limits are shared. */
  backend: QuotaBackend;
  /** Share of a limit leased at once (0 < f ≤ 1). Default 0.1: ten leases use up a window. */
  leaseFraction?: number;
  /** How long concurrency slots stay held in the backend without renewal (a crashed instance frees them), ms. Default 30 000. */
  slotTtlMs?: number;
  /** How often held slots are renewed and idle ones given back, ms. Default 5000. */
  renewIntervalMs?: number;
  /** The clock (ms), for tests. Default `Date.now`. */
  now?: () => number;
}

/** A request let through. `settle` (idempotent) frees its concurrency slot and charges what it used. */
export interface QuotaAdmission {
  readonly allowed: true;
  /** Call once the request ends: its tokens of every kind and its cost (0 for a failed attempt). */
  settle(used?: { tokens?: number; costMicroUsd?: number }): void;
}

/** A request refused by one of the key's limits. */
export interface QuotaRefusal {
  readonly allowed: false;
  readonly limit: LimitKind;
  /** The refusing budget's window (budget refusals only). */
  readonly window?: BudgetWindow;
  /** Whole seconds until the limit lets a request through again (at least 1): the `retry-after` header. */
  readonly retryAfterSeconds: number;
  /** Names the limit, for the client. */
  readonly message: string;
}

/** How much of one of a key's limits is used now, across instances. */
export interface LimitUsage {
  readonly limit: LimitKind;
  /** The budget's window (budgets only). */
  readonly window?: BudgetWindow;
  /** The limit: requests or tokens per minute, requests in flight, or dollars. */
  readonly max: number;
  /**
   * Used now, in the limit's unit (dollars for budgets): shares leased to instances and not spent yet count as used,
   * so this is an upper bound, by at most one slice per instance.
   */
  readonly used: number;
}

export interface QuotaLimiterStats {
  /** Leases asked of the backend (each one command). */
  leases: number;
  /** Leases the backend could not answer (Redis away): the instance granted itself one slice per period. */
  leaseFailures: number;
  /** Requests refused, by limit. */
  refused: Record<LimitKind, number>;
  /** Client keys with local state. */
  keys: number;
}

interface Slots {
  readonly name: string;
  readonly limit: number;
  readonly slice: number;
  held: number;
  inUse: number;
  refusedUntil: number;
  pending: Promise<void> | undefined;
}

interface KeyState {
  readonly limits: NormalizedLimits;
  readonly allowances: Allowance[];
  readonly requests: Allowance | undefined;
  readonly tokens: Allowance | undefined;
  readonly budgets: Allowance[];
  readonly slots: Slots | undefined;
}

const minuteMs = 60_000;
// Concurrency frees when a request ends, which nothing predicts: ask again soon.
const slotRetryMs = 1000;

/**
 * Enforces each client key's limits from leased shares: a check is local (no I/O) while this instance holds a share,
 * and a share is refilled in the background before it runs out. Overshoot bounds: README, "Leases".
 */
export class QuotaLimiter {
  readonly #backend: QuotaBackend;
  readonly #fraction: number;
  readonly #slotTtlMs: number;
  readonly #now: () => number;
  readonly #holder = randomBytes(6).toString('base64url');
  readonly #keys = new Map<string, KeyState>();
  readonly #normalized = new WeakMap<KeyLimits, NormalizedLimits>();
  readonly #timer: NodeJS.Timeout;
  readonly #stats: QuotaLimiterStats = {
    leases: 0,
    leaseFailures: 0,
    refused: { 'requests-per-minute': 0, 'tokens-per-minute': 0, concurrency: 0, budget: 0 },
    keys: 0,
  };
  #closed = false;

  constructor(options: QuotaLimiterOptions) {
    if (typeof options !== 'object' || options === null)
      throw new QuotaInvalidOptionError('options', 'an object', options);
    if (typeof options.backend?.takeRate !== 'function') {
      throw new QuotaInvalidOptionError('backend', 'a QuotaBackend', options.backend);
    }
    this.#backend = options.backend;
    this.#fraction = numberOption('leaseFraction', options.leaseFraction, 0.1, Number.MIN_VALUE, 1);
    this.#slotTtlMs = integerOption('slotTtlMs', options.slotTtlMs, 30_000, 100);
    const renewIntervalMs = integerOption('renewIntervalMs', options.renewIntervalMs, 5000, 10);
    if (renewIntervalMs >= this.#slotTtlMs) {
      throw new QuotaInvalidOptionError('renewIntervalMs', `less than slotTtlMs (${this.#slotTtlMs})`, renewIntervalMs);
    }
    this.#now = options.now ?? Date.now;
    this.#timer = setInterval(() => this.#renewSlots(), renewIntervalMs).unref();
  }

  /**
   * The local check: an admission or a refusal when what this instance holds decides it, `undefined` when a lease
   * is needed first (then call `admit`). No I/O; starts background refills. Pass the same `limits` object per key
   * to skip revalidating it.
   */
  tryAdmit(keyId: string, limits: KeyLimits): QuotaAdmission | QuotaRefusal | undefined {
    this.#assertOpen();
    const now = this.#now();
    const state = this.#stateOf(keyId, limits);
    let short = false;
    for (const allowance of state.allowances) {
      if (allowance.spanEndsAt <= now) this.#enterWindow(allowance, now);
      if (!allowance.usable(now)) {
        if (allowance.refusedUntil > now)
          return this.#refuse(allowance.kind, allowance.refusedUntil - now, allowance.name, allowance.window);
        short = true;
      }
    }
    const slots = state.slots;
    if (slots && slots.inUse >= slots.held) {
      if (slots.refusedUntil > now) return this.#refuse('concurrency', slots.refusedUntil - now, slots.name);
      short = true;
    }
    if (short) {
      this.#refillShort(state, now);
      return undefined;
    }
    if (state.requests) state.requests.available -= 1;
    if (slots) slots.inUse += 1;
    for (const allowance of state.allowances) if (allowance.wantsRefill()) this.#refill(allowance);
    return this.#admission(keyId, state);
  }

  /** The check, leasing from the backend when this instance's share does not decide it. */
  async admit(keyId: string, limits: KeyLimits): Promise<QuotaAdmission | QuotaRefusal> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const verdict = this.tryAdmit(keyId, limits);
      if (verdict) return verdict;
      const state = this.#stateOf(keyId, limits);
      await Promise.all([...state.allowances.map((allowance) => allowance.pending), state.slots?.pending]);
    }
    // Other requests of this key took each refill first: busy, not refused by a limit.
    return this.#refuse('concurrency', slotRetryMs, keyId);
  }

  /**
   * How much of each of the key's limits is used now, across instances, read from the backend (one command per
   * limit; for an admin view, never the request path). Rejects with `QuotaUnavailableError` when the backend cannot
   * answer.
   */
  async usage(keyId: string, limits: KeyLimits): Promise<LimitUsage[]> {
    assertId('keyId', keyId);
    const normalized = this.#normalized.get(limits) ?? normalizeLimits(limits);
    const now = this.#now();
    const rate = (limit: number): RateSpec => ({ limit, periodMs: minuteMs });
    const reads: Array<Promise<LimitUsage>> = [];
    const { requestsPerMinute, tokensPerMinute, concurrency } = normalized;
    if (requestsPerMinute !== undefined) {
      reads.push(
        this.#backend
          .rateUsed(`${keyId}:rpm`, rate(requestsPerMinute))
          .then((used) => ({ limit: 'requests-per-minute', max: requestsPerMinute, used })),
      );
    }
    if (tokensPerMinute !== undefined) {
      reads.push(
        this.#backend
          .rateUsed(`${keyId}:tpm`, rate(tokensPerMinute))
          .then((used) => ({ limit: 'tokens-per-minute', max: tokensPerMinute, used })),
      );
    }
    if (concurrency !== undefined) {
      reads.push(
        this.#backend.slotsHeld(`${keyId}:slots`).then((used) => ({ limit: 'concurrency', max: concurrency, used })),
      );
    }
    for (const budget of normalized.budgets) {
      reads.push(
        this.#backend
          .budgetUsed(`${keyId}:usd:${budget.window}`, windowSpan(budget.window, now), now)
          .then((units) => ({ limit: 'budget', window: budget.window, max: budget.usd, used: units / 1_000_000 })),
      );
    }
    return await Promise.all(reads);
  }

  stats(): QuotaLimiterStats {
    return { ...this.#stats, refused: { ...this.#stats.refused }, keys: this.#keys.size };
  }

  /** Gives back what this instance holds unspent (other instances may use it) and stops renewing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    const now = this.#now();
    const returns: Promise<unknown>[] = [];
    for (const state of this.#keys.values()) {
      for (const allowance of state.allowances) {
        await allowance.pending;
        const unspent = Math.floor(allowance.available);
        if (unspent <= 0) continue;
        if (allowance.kind === 'budget' && allowance.window) {
          returns.push(this.#backend.chargeBudget(allowance.name, windowSpan(allowance.window, now), -unspent, now));
        } else if (allowance.expiresAt > now) {
          returns.push(this.#backend.returnRate(allowance.name, rateOf(allowance), unspent));
        }
      }
      if (state.slots && state.slots.held > 0) {
        returns.push(this.#backend.holdSlots(state.slots.name, this.#holder, state.slots.limit, 0, this.#slotTtlMs));
      }
    }
    await Promise.allSettled(returns);
    this.#keys.clear();
  }

  #admission(keyId: string, admittedBy: KeyState): QuotaAdmission {
    let settled = false;
    return {
      allowed: true,
      settle: (used) => {
        if (settled) return;
        settled = true;
        // Limits changed meanwhile: the new state took over this request's slot, and its shares are the ones to charge.
        const state = this.#keys.get(keyId) ?? admittedBy;
        if (state.slots) state.slots.inUse -= 1;
        const tokens = used?.tokens ?? 0;
        const cost = used?.costMicroUsd ?? 0;
        if (state.tokens && tokens > 0) state.tokens.available -= tokens;
        if (cost > 0) for (const budget of state.budgets) budget.available -= cost;
        if (this.#closed) return;
        for (const allowance of state.allowances) if (allowance.wantsRefill()) this.#refill(allowance);
      },
    };
  }

  #refuse(limit: LimitKind, retryAfterMs: number, name: string, window?: BudgetWindow): QuotaRefusal {
    this.#stats.refused[limit] += 1;
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    const message = refusalMessage(limit, name, retryAfterSeconds);
    return window === undefined
      ? { allowed: false, limit, retryAfterSeconds, message }
      : { allowed: false, limit, window, retryAfterSeconds, message };
  }

  #stateOf(keyId: string, limits: KeyLimits): KeyState {
    let normalized = this.#normalized.get(limits);
    if (!normalized) {
      assertId('keyId', keyId);
      normalized = normalizeLimits(limits);
      this.#normalized.set(limits, normalized);
    }
    const existing = this.#keys.get(keyId);
    if (existing && (existing.limits === normalized || sameLimits(existing.limits, normalized))) return existing;
    // New or changed limits start afresh; what the old shares held lapses with their windows.
    const slice = (limit: number) => Math.max(1, Math.floor(limit * this.#fraction));
    const requests =
      normalized.requestsPerMinute === undefined
        ? undefined
        : new Allowance(
            'requests-per-minute',
            `${keyId}:rpm`,
            normalized.requestsPerMinute,
            slice(normalized.requestsPerMinute),
          );
    const tokens =
      normalized.tokensPerMinute === undefined
        ? undefined
        : new Allowance(
            'tokens-per-minute',
            `${keyId}:tpm`,
            normalized.tokensPerMinute,
            slice(normalized.tokensPerMinute),
          );
    const budgets = normalized.budgets.map(
      (budget) =>
        new Allowance(
          'budget',
          `${keyId}:usd:${budget.window}`,
          budget.microUsd,
          slice(budget.microUsd),
          budget.window,
        ),
    );
    const slots =
      normalized.concurrency === undefined
        ? undefined
        : {
            name: `${keyId}:slots`,
            limit: normalized.concurrency,
            slice: slice(normalized.concurrency),
            held: existing?.slots?.held ?? 0,
            inUse: existing?.slots?.inUse ?? 0,
            refusedUntil: 0,
            pending: undefined,
          };
    const state: KeyState = {
      limits: normalized,
      allowances: [requests, tokens, ...budgets].filter((allowance) => allowance !== undefined),
      requests,
      tokens,
      budgets,
      slots,
    };
    this.#keys.set(keyId, state);
    return state;
  }

  /** A budget whose calendar window turned over starts the new one with nothing leased. */
  #enterWindow(allowance: Allowance, now: number): void {
    const span = windowSpan(allowance.window ?? 'total', now);
    allowance.spanEndsAt = span.kind === 'calendar' ? span.endMs : Number.POSITIVE_INFINITY;
    if (allowance.spanId === span.id) return;
    allowance.spanId = span.id;
    allowance.available = 0;
    allowance.refusedUntil = 0;
  }

  #refillShort(state: KeyState, now: number): void {
    for (const allowance of state.allowances) if (!allowance.usable(now)) this.#refill(allowance);
    const slots = state.slots;
    if (slots && slots.inUse >= slots.held && !slots.pending) {
      slots.pending = this.#leaseSlots(slots).finally(() => {
        slots.pending = undefined;
      });
    }
  }

  #refill(allowance: Allowance): void {
    if (allowance.pending || this.#closed) return;
    allowance.pending = this.#lease(allowance).finally(() => {
      allowance.pending = undefined;
    });
  }

  async #lease(allowance: Allowance): Promise<void> {
    const now = this.#now();
    this.#stats.leases += 1;
    try {
      if (allowance.kind === 'budget' && allowance.window) {
        this.#enterWindow(allowance, now);
        const span = windowSpan(allowance.window, now);
        // Spent beyond the share (a cost known only at the end): charged to everyone's window, over the limit or not.
        if (allowance.available < 0) {
          await this.#backend.chargeBudget(allowance.name, span, -allowance.available, now);
          allowance.available = 0;
        }
        const grant = await this.#backend.takeBudget(allowance.name, span, allowance.limit, allowance.slice, now);
        allowance.accept(grant, this.#now(), Number.POSITIVE_INFINITY);
        return;
      }
      const debt = Math.max(0, -Math.floor(allowance.available));
      const grant = await this.#backend.takeRate(allowance.name, rateOf(allowance), allowance.slice + debt);
      allowance.accept(grant, this.#now(), minuteMs);
    } catch {
      // Redis away (or answering nonsense): never thrown at a request. One self-granted slice per period per
      // limit, so that an outage bounds the overshoot.
      this.#stats.leaseFailures += 1;
      const at = this.#now();
      if (allowance.degradedUntil <= at) {
        allowance.degradedUntil = at + minuteMs;
        allowance.accept({ granted: allowance.slice, retryAfterMs: 0 }, at, minuteMs);
      } else {
        allowance.accept({ granted: 0, retryAfterMs: allowance.degradedUntil - at }, at, minuteMs);
      }
    }
  }

  async #leaseSlots(slots: Slots): Promise<void> {
    this.#stats.leases += 1;
    try {
      const want = Math.min(slots.limit, slots.inUse + slots.slice);
      slots.held = await this.#backend.holdSlots(slots.name, this.#holder, slots.limit, want, this.#slotTtlMs);
    } catch {
      this.#stats.leaseFailures += 1;
      // Redis away: keep to what is held (the cap holds for this instance; others may have taken expired slots).
    }
    if (slots.inUse >= slots.held) slots.refusedUntil = this.#now() + slotRetryMs;
  }

  /** Renews the slots each key holds (one command per key), giving back all but one slice of idle ones. */
  #renewSlots(): void {
    for (const state of this.#keys.values()) {
      const slots = state.slots;
      if (!slots || slots.pending || (slots.held === 0 && slots.inUse === 0)) continue;
      const want = slots.inUse === 0 ? 0 : Math.min(slots.held, slots.inUse + slots.slice);
      slots.pending = this.#backend
        .holdSlots(slots.name, this.#holder, slots.limit, want, this.#slotTtlMs)
        .then(
          (held) => {
            slots.held = held;
          },
          () => {},
        )
        .finally(() => {
          slots.pending = undefined;
        });
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new QuotaClosedError('quota limiter');
  }
}

function rateOf(allowance: Allowance): RateSpec {
  return { limit: allowance.limit, periodMs: minuteMs };
}

function sameLimits(left: NormalizedLimits, right: NormalizedLimits): boolean {
  return (
    left.requestsPerMinute === right.requestsPerMinute &&
    left.tokensPerMinute === right.tokensPerMinute &&
    left.concurrency === right.concurrency &&
    left.budgets.length === right.budgets.length &&
    left.budgets.every(
      (budget, index) =>
        budget.microUsd === right.budgets[index]?.microUsd && budget.window === right.budgets[index]?.window,
    )
  );
}

function refusalMessage(limit: LimitKind, name: string, seconds: number): string {
  const keyId = name.split(':')[0];
  switch (limit) {
    case 'requests-per-minute':
      return `key ${keyId} is over its requests-per-minute limit; retry in ${seconds} s`;
    case 'tokens-per-minute':
      return `key ${keyId} is over its tokens-per-minute limit; retry in ${seconds} s`;
    case 'budget':
      return `key ${keyId} has spent its ${name.split(':').at(-1)} budget; retry in ${seconds} s`;
    default:
      return `key ${keyId} has reached its concurrency limit; retry in ${seconds} s`;
  }
}
