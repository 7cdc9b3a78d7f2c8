import type { KeyLimits, QuotaRefusal } from '@relay/quota';
import { ApiError } from '../http/api-error.js';

/** How a budget window reads in a sentence: `per day (UTC)`, `in total`, `per 5 hours`. */
export function windowPhrase(window: string): string {
  switch (window) {
    case 'day':
      return 'per day (UTC)';
    case 'week':
      return 'per week (UTC, from Monday)';
    case 'month':
      return 'per month (UTC)';
    case 'total':
      return 'in total';
    default: {
      const hours = Number.parseInt(window, 10);
      return hours === 1 ? 'per rolling hour' : `per rolling ${hours} hours`;
    }
  }
}

/** What the client is told about the limit that refused it: the limit by name and value. */
export function refusalMessage(clientId: string, refusal: QuotaRefusal, limits: KeyLimits): string {
  const key = `client key '${clientId}'`;
  const retry = `retry in ${refusal.retryAfterSeconds} s`;
  switch (refusal.limit) {
    case 'requests-per-minute':
      return `${key} is over its limit of ${limits.requestsPerMinute} requests per minute; ${retry}`;
    case 'tokens-per-minute':
      return `${key} is over its limit of ${limits.tokensPerMinute} tokens per minute; ${retry}`;
    case 'budget': {
      const budget = limits.budgets?.find((candidate) => candidate.window === refusal.window);
      const amount = budget ? `$${budget.usd} ` : '';
      return `${key} has spent its budget of ${amount}${windowPhrase(refusal.window ?? 'total')}; ${retry}`;
    }
    default:
      return limits.concurrency === undefined
        ? `${key} has too many requests starting at once; ${retry}`
        : `${key} is at its limit of ${limits.concurrency} concurrent requests across the relay's instances; ${retry}`;
  }
}

/** The answer to a request refused by a key limit: `429 rate_limit_error` with `retry-after` in seconds. */
export function refusalError(clientId: string, refusal: QuotaRefusal, limits: KeyLimits): ApiError {
  return new ApiError(429, 'rate_limit_error', refusalMessage(clientId, refusal, limits), {
    'retry-after': String(refusal.retryAfterSeconds),
  });
}
