import { calendarSpan, ledgerSpendMicroUsd } from './budget-spend.js';
import { countText, usdText } from './format.js';
import type { UsageRow } from './usage-rows.js';

/** One limit's use as the relay's limiter reports it (@relay/quota `LimitUsage`). */
export interface LimitUsageStats {
  readonly limit: 'requests-per-minute' | 'tokens-per-minute' | 'concurrency' | 'budget';
  /** Budgets only. */
  readonly window?: string;
  /** The limit: requests or tokens per minute, requests in flight, or dollars. */
  readonly max: number;
  /** Used now, across instances; shares leased to instances and not spent yet count as used (an upper bound). */
  readonly used: number;
}

/**
 * A client key as the admin keys API shows it (`GET /admin/keys`, `GET /admin/keys/:id`; apps/relay `KeyView`):
 * never the key, never its hash; times ISO 8601. `usage` comes only with `GET /admin/keys/:id`, from a relay whose
 * limiter can read its store.
 */
export interface KeyStats {
  readonly id: string;
  /** `store`: created at runtime, revocable here; `config`, `state`: read-only here. */
  readonly source?: string;
  readonly userId?: string;
  readonly models?: readonly string[];
  readonly expiresAt?: number | string;
  readonly expired?: boolean;
  readonly limits?: {
    readonly requestsPerMinute?: number;
    readonly tokensPerMinute?: number;
    readonly concurrency?: number;
    readonly budgets?: ReadonlyArray<{ readonly usd: number; readonly window: string }>;
  };
  readonly maxConcurrency?: number;
  readonly createdAt?: number | string;
  readonly lastUsedAt?: number | string | null;
  readonly usage?: readonly LimitUsageStats[];
}

/** One limit or budget of a key, with what is used of it (undefined when the relay did not say). */
export interface LimitBar {
  readonly id: string;
  readonly label: string;
  readonly limit: number;
  readonly used: number | undefined;
  /** `12 of 60`, `$0.0123 of $20.00`; `limit 60, use not reported`. */
  readonly detail: string;
  readonly resetsAt: number | undefined;
}

const rateLimits = [
  ['requestsPerMinute', 'requests-per-minute', 'Requests/min'],
  ['tokensPerMinute', 'tokens-per-minute', 'Tokens/min'],
  ['concurrency', 'concurrency', 'In flight'],
] as const;

const windowTitles: Record<string, string> = {
  day: 'today (UTC)',
  week: 'this week',
  month: 'this month',
  total: 'in total',
};

/**
 * A key's limits and budgets as bars, in the order the create form has them. A rate's or concurrency's use is the
 * limiter's (`usage`: an upper bound, leased shares count); a calendar budget's is what the ledger billed the key
 * since the window began (exact), else the limiter's.
 */
export function limitBars(key: KeyStats, ledgerRows: readonly UsageRow[] | undefined, now: number): LimitBar[] {
  const bars: LimitBar[] = [];
  for (const [name, kind, label] of rateLimits) {
    const limit = key.limits?.[name];
    if (limit === undefined) continue;
    const used = numberOf(key.usage?.find((entry) => entry.limit === kind)?.used);
    bars.push({
      id: name,
      label,
      limit,
      used,
      detail:
        used === undefined
          ? `limit ${countText(limit)}, use not reported`
          : `up to ${countText(used)} of ${countText(limit)}`,
      resetsAt: undefined,
    });
  }
  for (const [index, budget] of (key.limits?.budgets ?? []).entries()) {
    const fromLedger = ledgerRows ? ledgerSpendMicroUsd(ledgerRows, key.id, budget.window, now) : undefined;
    const fromLimiter = numberOf(
      key.usage?.find((entry) => entry.limit === 'budget' && entry.window === budget.window && entry.max === budget.usd)
        ?.used,
    );
    const used = fromLedger !== undefined ? fromLedger / 1_000_000 : fromLimiter;
    bars.push({
      id: `budget-${index}`,
      label: `Budget ${windowTitles[budget.window] ?? `per ${budget.window}`}`,
      limit: budget.usd,
      used,
      detail:
        used === undefined
          ? `limit ${usdText(budget.usd)}, use not reported`
          : `${fromLedger === undefined ? 'up to ' : ''}${usdText(used)} of ${usdText(budget.usd)}`,
      resetsAt: calendarSpan(budget.window, now)?.endsAt,
    });
  }
  return bars;
}

/** Epoch ms of a time given as epoch ms or ISO 8601; undefined for anything else. */
export function epochMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** The keys of a list answer (`{ data: [...] }` or a bare array), those without an id left out. */
export function keysOf(answer: unknown): KeyStats[] {
  const list = Array.isArray(answer)
    ? answer
    : typeof answer === 'object' && answer !== null
      ? (answer as { data?: unknown }).data
      : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (entry): entry is KeyStats =>
      typeof entry === 'object' && entry !== null && typeof (entry as { id?: unknown }).id === 'string',
  );
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
