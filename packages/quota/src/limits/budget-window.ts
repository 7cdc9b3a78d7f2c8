import { QuotaInvalidArgumentError } from '../errors.js';

/** A budget's window: a rolling `<N>h` (e.g. `5h`), a UTC calendar `day`, `week` (from Monday) or `month`, or `total`. */
export type BudgetWindow = 'day' | 'week' | 'month' | 'total' | `${number}h`;

/** Where `now` falls in a window: calendar windows have an id and an end; rolling ones a length and bucket width. */
export type WindowSpan =
  | { readonly kind: 'calendar'; readonly id: string; readonly endMs: number }
  | { readonly kind: 'rolling'; readonly id: string; readonly lengthMs: number; readonly bucketMs: number };

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;
/** A rolling window is summed over this many buckets: its edge is exact to one bucket (5 min for `5h`). */
export const rollingBuckets = 60;

/** Validates a window name; throws naming `argument` otherwise. */
export function parseBudgetWindow(argument: string, value: unknown): BudgetWindow {
  if (value === 'day' || value === 'week' || value === 'month' || value === 'total') return value;
  if (typeof value === 'string') {
    const match = /^([1-9][0-9]{0,3})h$/.exec(value);
    if (match && Number(match[1]) <= 24 * 90) return value as BudgetWindow;
  }
  throw new QuotaInvalidArgumentError(argument, "'day', 'week', 'month', 'total' or a rolling '<1-2160>h'", value);
}

/** The span of `window` that holds `nowMs` (UTC). */
export function windowSpan(window: BudgetWindow, nowMs: number): WindowSpan {
  const date = new Date(nowMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  switch (window) {
    case 'total':
      return { kind: 'calendar', id: 'total', endMs: Number.POSITIVE_INFINITY };
    case 'day':
      return { kind: 'calendar', id: dayId(nowMs), endMs: Date.UTC(year, month, day + 1) };
    case 'week': {
      // ISO weeks start on Monday: getUTCDay() is 0 on Sunday.
      const sinceMonday = (date.getUTCDay() + 6) % 7;
      const start = Date.UTC(year, month, day - sinceMonday);
      return { kind: 'calendar', id: `w${dayId(start)}`, endMs: start + 7 * dayMs };
    }
    case 'month':
      return {
        kind: 'calendar',
        id: `m${year}${String(month + 1).padStart(2, '0')}`,
        endMs: Date.UTC(year, month + 1, 1),
      };
    default: {
      const lengthMs = Number.parseInt(window, 10) * hourMs;
      return { kind: 'rolling', id: window, lengthMs, bucketMs: lengthMs / rollingBuckets };
    }
  }
}

/** The UTC day of `nowMs` as `YYYYMMDD` (ledger rows and day windows). */
export function dayId(nowMs: number): string {
  const date = new Date(nowMs);
  return `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, '0')}${String(date.getUTCDate()).padStart(2, '0')}`;
}
