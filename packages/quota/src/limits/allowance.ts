import type { Grant } from '../backends/quota-backend.js';
import type { BudgetWindow } from './budget-window.js';
import type { LimitKind } from './key-limits.js';

/**
 * This instance's leased share of one shared limit: units it may spend without asking Redis. `available` goes
 * negative when a request's cost, known only at its end, exceeds what was leased (a debt the next lease repays).
 */
export class Allowance {
  readonly kind: LimitKind;
  readonly name: string;
  readonly limit: number;
  /** Units leased at once: `limit × leaseFraction`, at least 1. */
  readonly slice: number;
  readonly window: BudgetWindow | undefined;
  available = 0;
  /** Leased rate units lapse one period after the lease (spending them later would exceed the rate). */
  expiresAt = 0;
  /** The budget window span the leased units belong to. */
  spanId = '';
  /** When the calendar window of `spanId` ends (0: not entered yet; rates never enter one). */
  spanEndsAt = 0;
  /** While refused by the shared limit: when to ask again, and what to tell the client meanwhile. */
  refusedUntil = 0;
  /** While the backend is unavailable: the one self-granted slice per period ends here. */
  degradedUntil = 0;
  pending: Promise<void> | undefined;

  constructor(kind: LimitKind, name: string, limit: number, slice: number, window?: BudgetWindow) {
    this.kind = kind;
    this.name = name;
    this.limit = limit;
    this.slice = slice;
    this.window = window;
    if (!window) this.spanEndsAt = Number.POSITIVE_INFINITY;
  }

  /** True when a request may start on what is held (requests need a whole unit, the others a positive balance). */
  usable(nowMs: number): boolean {
    if (this.expiresAt <= nowMs && this.available > 0) this.available = 0;
    return this.kind === 'requests-per-minute' ? this.available >= 1 : this.available > 0;
  }

  /** True when the next lease should start now, ahead of need. */
  wantsRefill(): boolean {
    return this.pending === undefined && this.slice >= 2 && this.available < this.slice / 2;
  }

  /** Adds what the backend granted; `granted` 0 means refused until `retryAfterMs` from now. */
  accept(grant: Grant, nowMs: number, lifetimeMs: number): void {
    if (grant.granted > 0) {
      this.available += grant.granted;
      this.expiresAt = nowMs + lifetimeMs;
      this.refusedUntil = 0;
    } else {
      this.refusedUntil = nowMs + Math.max(1, grant.retryAfterMs);
    }
  }
}
