import type { KeyLimits, QuotaRefusal } from '@relay/quota';
import { describe, expect, it } from 'vitest';
import { refusalError, refusalMessage } from './refusal-answer.js';

const limits: KeyLimits = {
  requestsPerMinute: 5,
  tokensPerMinute: 100_000,
  concurrency: 4,
  budgets: [
    { usd: 20, window: 'day' },
    { usd: 0.01, window: 'total' },
    { usd: 3.5, window: '5h' },
  ],
};

const refusal = (limit: QuotaRefusal['limit'], window?: string): QuotaRefusal =>
  ({
    allowed: false,
    limit,
    retryAfterSeconds: 12,
    message: 'package text',
    ...(window ? { window } : {}),
  }) as QuotaRefusal;

describe('refusalMessage', () => {
  it.each([
    [refusal('requests-per-minute'), "client key 'team-a' is over its limit of 5 requests per minute; retry in 12 s"],
    [refusal('tokens-per-minute'), "client key 'team-a' is over its limit of 100000 tokens per minute; retry in 12 s"],
    [
      refusal('concurrency'),
      "client key 'team-a' is at its limit of 4 concurrent requests across the relay's instances; retry in 12 s",
    ],
    [refusal('budget', 'day'), "client key 'team-a' has spent its budget of $20 per day (UTC); retry in 12 s"],
    [refusal('budget', 'total'), "client key 'team-a' has spent its budget of $0.01 in total; retry in 12 s"],
    [refusal('budget', '5h'), "client key 'team-a' has spent its budget of $3.5 per rolling 5 hours; retry in 12 s"],
  ])('%j → %s', (given, message) => {
    expect(refusalMessage('team-a', given, limits)).toBe(message);
  });

  it('names a refusal for being busy (no concurrency limit) without inventing a limit', () => {
    expect(refusalMessage('k', refusal('concurrency'), { requestsPerMinute: 1 })).toBe(
      "client key 'k' has too many requests starting at once; retry in 12 s",
    );
  });

  it('answers 429 rate_limit_error with retry-after in seconds', () => {
    const error = refusalError('team-a', refusal('requests-per-minute'), limits);
    expect(error).toMatchObject({ statusCode: 429, errorType: 'rate_limit_error', headers: { 'retry-after': '12' } });
  });
});
