import { QuotaInvalidArgumentError } from '../errors.js';
import { type BudgetWindow, parseBudgetWindow } from './budget-window.js';

/** A cost budget: at most `usd` dollars in each `window`. */
export interface Budget {
  readonly usd: number;
  readonly window: BudgetWindow;
}

/** The limits of one client key; each one optional. */
export interface KeyLimits {
  /** Requests per minute (GCRA: a burst of this many, then one per `60 s / N`). */
  readonly requestsPerMinute?: number;
  /** Tokens of every kind per minute (GCRA); a request's tokens count when it ends. */
  readonly tokensPerMinute?: number;
  /** Requests in flight at once, across instances. */
  readonly concurrency?: number;
  /** Cost budgets; a request's cost counts when it ends. */
  readonly budgets?: readonly Budget[];
}

/** Which limit refused a request. */
export type LimitKind = 'requests-per-minute' | 'tokens-per-minute' | 'concurrency' | 'budget';

/** Limits checked once: budgets in integer micro-dollars. */
export interface NormalizedLimits {
  readonly requestsPerMinute?: number;
  readonly tokensPerMinute?: number;
  readonly concurrency?: number;
  readonly budgets: ReadonlyArray<{ readonly microUsd: number; readonly window: BudgetWindow; readonly usd: number }>;
}

function positiveInteger(argument: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new QuotaInvalidArgumentError(argument, 'a positive integer', value);
  }
  return value;
}

/** Validates a key's limits; throws `QuotaInvalidArgumentError` naming the bad field. */
export function normalizeLimits(limits: KeyLimits): NormalizedLimits {
  if (typeof limits !== 'object' || limits === null) throw new QuotaInvalidArgumentError('limits', 'an object', limits);
  const budgets = limits.budgets ?? [];
  if (!Array.isArray(budgets)) throw new QuotaInvalidArgumentError('limits.budgets', 'an array', budgets);
  return {
    requestsPerMinute: positiveInteger('limits.requestsPerMinute', limits.requestsPerMinute),
    tokensPerMinute: positiveInteger('limits.tokensPerMinute', limits.tokensPerMinute),
    concurrency: positiveInteger('limits.concurrency', limits.concurrency),
    budgets: budgets.map((budget: Budget, index) => {
      const usd = budget?.usd;
      if (typeof usd !== 'number' || !Number.isFinite(usd) || usd <= 0 || usd > 10_000_000) {
        throw new QuotaInvalidArgumentError(
          `limits.budgets[${index}].usd`,
          'dollars from 0 (exclusive) to 10000000',
          usd,
        );
      }
      const window = parseBudgetWindow(`limits.budgets[${index}].window`, budget.window);
      return { usd, window, microUsd: Math.max(1, Math.round(usd * 1_000_000)) };
    }),
  };
}
