import type { Grant, RateSpec } from '../backends/quota-backend.js';

/** GCRA state of one rate: the theoretical arrival time (ms) of the next unit if units came evenly. */
export interface GcraTake extends Grant {
  /** The new theoretical arrival time to store. */
  readonly tat: number;
}

// Floating-point slack so that `limit` units of `periodMs / limit` each add up to a whole period.
const epsilon = 1e-6;

/**
 * Takes up to `want` units at `nowMs` from a GCRA rate whose stored arrival time is `tat` (undefined: never used).
 * The burst tolerance is one whole period, so a fresh rate grants `limit` at once, then one unit per `periodMs / limit`.
 * The same arithmetic runs in the Redis script (`redis-scripts.ts`).
 */
export function takeGcra(tat: number | undefined, rate: RateSpec, want: number, nowMs: number): GcraTake {
  const interval = rate.periodMs / rate.limit;
  const start = Math.max(tat ?? nowMs, nowMs);
  const allowance = Math.max(0, Math.floor((nowMs + rate.periodMs - start) / interval + epsilon));
  const granted = Math.min(want, allowance);
  const next = start + granted * interval;
  const retryAfterMs = granted < want ? Math.max(1, Math.ceil(next + interval - rate.periodMs - nowMs)) : 0;
  return { granted, retryAfterMs, tat: next };
}

/** The arrival time after giving back `units` unspent units (never before now: that would lend future units). */
export function returnGcra(tat: number | undefined, rate: RateSpec, units: number, nowMs: number): number {
  if (tat === undefined) return nowMs;
  return Math.max(nowMs, tat - units * (rate.periodMs / rate.limit));
}

/** Units in use at `nowMs` of a rate whose stored arrival time is `tat`: from 0 to `limit` (same as the Redis script). */
export function usedGcra(tat: number | undefined, rate: RateSpec, nowMs: number): number {
  if (tat === undefined || tat <= nowMs) return 0;
  return Math.min(rate.limit, Math.ceil((tat - nowMs) / (rate.periodMs / rate.limit) - epsilon));
}
