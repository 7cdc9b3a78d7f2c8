import type { UsageRow } from './usage-rows.js';

const dayMs = 86_400_000;

/** A calendar budget window (`day`, `week` from Monday, `month`, all UTC) as the ledger's days: first and end. */
export interface CalendarSpan {
  /** `YYYY-MM-DD`, the window's first day. */
  readonly firstDay: string;
  /** Epoch ms when the next window starts (the budget starts afresh). */
  readonly endsAt: number;
}

/**
 * The span of the calendar window `window` that holds `now`, as @relay/quota counts it; undefined for `total`
 * and rolling `<N>h` windows, which the ledger's days cannot tell.
 */
export function calendarSpan(window: string, now: number): CalendarSpan | undefined {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  let start: number;
  let end: number;
  if (window === 'day') {
    start = Date.UTC(year, month, day);
    end = start + dayMs;
  } else if (window === 'week') {
    start = Date.UTC(year, month, day - ((date.getUTCDay() + 6) % 7));
    end = start + 7 * dayMs;
  } else if (window === 'month') {
    start = Date.UTC(year, month, 1);
    end = Date.UTC(year, month + 1, 1);
  } else {
    return undefined;
  }
  return { firstDay: new Date(start).toISOString().slice(0, 10), endsAt: end };
}

/** A key's spend in the calendar window holding `now`, in micro-dollars, from ledger rows by key and day. */
export function ledgerSpendMicroUsd(
  rows: readonly UsageRow[],
  keyId: string,
  window: string,
  now: number,
): number | undefined {
  const span = calendarSpan(window, now);
  if (!span) return undefined;
  let spend = 0;
  for (const row of rows) {
    if (row.keyId === keyId && row.day !== undefined && row.day >= span.firstDay) spend += row.costMicroUsd;
  }
  return spend;
}

/** The first day the ledger must be read from for every calendar budget of `windows` (today at least). */
export function firstLedgerDay(windows: Iterable<string>, now: number): string {
  let first = (calendarSpan('day', now) as CalendarSpan).firstDay;
  for (const window of windows) {
    const span = calendarSpan(window, now);
    if (span && span.firstDay < first) first = span.firstDay;
  }
  return first;
}
