import type { Grant } from '../backends/quota-backend.js';
import { rollingBuckets, type WindowSpan } from './budget-window.js';

/** The bucket of a rolling window that `nowMs` falls in. */
export function bucketIndex(span: Extract<WindowSpan, { kind: 'rolling' }>, nowMs: number): number {
  return Math.floor(nowMs / span.bucketMs);
}

/** A take from a budget that has used `used` of `limit`; `freesInMs`: when some of it leaves the window. */
export function takeBudgetUnits(used: number, limit: number, want: number, freesInMs: number): Grant {
  const granted = Math.max(0, Math.min(want, limit - used));
  return { granted, retryAfterMs: granted < want ? Math.max(1, Math.ceil(freesInMs)) : 0 };
}

/**
 * What a rolling window holds at `nowMs`: its buckets still inside (older ones to drop), their sum, and when the
 * oldest non-empty one leaves the window. Same arithmetic as the Redis script.
 */
export function rollingState(
  buckets: ReadonlyMap<number, number>,
  span: Extract<WindowSpan, { kind: 'rolling' }>,
  nowMs: number,
): { used: number; expired: number[]; freesInMs: number } {
  const current = bucketIndex(span, nowMs);
  let used = 0;
  let oldest = current;
  const expired: number[] = [];
  for (const [index, units] of buckets) {
    if (index <= current - rollingBuckets) expired.push(index);
    else {
      used += units;
      if (units > 0 && index < oldest) oldest = index;
    }
  }
  return { used, expired, freesInMs: (oldest + rollingBuckets) * span.bucketMs - nowMs };
}
