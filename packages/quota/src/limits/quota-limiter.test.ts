import { afterEach, describe, expect, it } from 'vitest';
import { countingBackend } from '../__fixtures__/counting-backend.js';
import { MemoryQuotaBackend } from '../backends/memory.js';
import type { QuotaBackend } from '../backends/quota-backend.js';
import { QuotaInvalidArgumentError, QuotaInvalidOptionError } from '../errors.js';
import { windowSpan } from './budget-window.js';
import type { KeyLimits } from './key-limits.js';
import { type QuotaAdmission, QuotaLimiter, type QuotaRefusal } from './quota-limiter.js';

const open: QuotaLimiter[] = [];
const limiter = (backend: QuotaBackend, options: { leaseFraction?: number } = {}) => {
  const created = new QuotaLimiter({ backend, ...options });
  open.push(created);
  return created;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map(async (each) => each.close()));
});

const admitted = (verdicts: Array<QuotaAdmission | QuotaRefusal>) =>
  verdicts.filter((verdict) => verdict.allowed).length;

describe('QuotaLimiter', () => {
  it('lets exactly 5 of 8 quick requests through a 5-per-minute key across two instances', async () => {
    const backend = new MemoryQuotaBackend();
    const instances = [limiter(backend), limiter(backend)];
    const limits: KeyLimits = { requestsPerMinute: 5 };
    const verdicts = [];
    for (let index = 0; index < 8; index += 1) verdicts.push(await instances[index % 2]?.admit('key-a', limits));
    expect(admitted(verdicts as QuotaAdmission[])).toBe(5);
    const refusal = verdicts.find((verdict) => verdict && !verdict.allowed) as QuotaRefusal;
    expect(refusal.limit).toBe('requests-per-minute');
    expect(refusal.retryAfterSeconds).toBe(12);
    expect(refusal.message).toMatch(/key-a is over its requests-per-minute limit/);
  });

  it('answers from its lease without asking the backend, and refills ahead of need', async () => {
    const counted = countingBackend(new MemoryQuotaBackend());
    const quota = limiter(counted.backend);
    const limits: KeyLimits = { requestsPerMinute: 1000 };
    const first = await quota.admit('key-b', limits);
    expect(first.allowed).toBe(true);
    expect(counted.calls()).toBe(1);
    // The lease was 100 (10 %): the next 99 are local, and a refill starts once half is spent.
    for (let index = 0; index < 49; index += 1) expect(quota.tryAdmit('key-b', limits)?.allowed).toBe(true);
    expect(counted.calls()).toBe(1);
    expect(quota.tryAdmit('key-b', limits)?.allowed).toBe(true);
    expect(counted.calls()).toBe(2);
    expect(quota.stats().leases).toBe(2);
  });

  it('charges tokens known only at the end against the token rate', async () => {
    const quota = limiter(new MemoryQuotaBackend());
    const limits: KeyLimits = { tokensPerMinute: 10_000 };
    const first = (await quota.admit('key-c', limits)) as QuotaAdmission;
    first.settle({ tokens: 25_000 });
    const refused = (await quota.admit('key-c', limits)) as QuotaRefusal;
    expect(refused.allowed).toBe(false);
    expect(refused.limit).toBe('tokens-per-minute');
  });

  it('stops a $0.01 budget within one request of overshoot', async () => {
    const backend = new MemoryQuotaBackend();
    const quota = limiter(backend);
    const limits: KeyLimits = { budgets: [{ usd: 0.01, window: 'day' }] };
    let served = 0;
    for (let index = 0; index < 10; index += 1) {
      const verdict = await quota.admit('key-d', limits);
      if (!verdict.allowed) {
        expect(verdict.limit).toBe('budget');
        expect(verdict.window).toBe('day');
        expect(verdict.message).toMatch(/spent its day budget/);
        break;
      }
      served += 1;
      verdict.settle({ costMicroUsd: 3000 });
    }
    // 10 000 µ$: the fourth request starts with 1000 µ$ left and spends 3000 (the documented overshoot).
    expect(served).toBe(4);
    await quota.close();
    const now = Date.now();
    expect((await backend.takeBudget('key-d:usd:day', windowSpan('day', now), 10_000, 1, now)).granted).toBe(0);
  });

  it("reports a key's usage of each limit across instances, leased shares included", async () => {
    const backend = new MemoryQuotaBackend();
    const [first, second] = [limiter(backend), limiter(backend)];
    const limits: KeyLimits = {
      requestsPerMinute: 100,
      concurrency: 4,
      budgets: [
        { usd: 1, window: 'day' },
        { usd: 5, window: '5h' },
      ],
    };
    const held = [await first.admit('key-u', limits), await second.admit('key-u', limits)];
    // Less than half of either share: no new lease starts.
    held[0]?.allowed && held[0].settle({ costMicroUsd: 40_000 });
    // Each instance leased a slice: 10 of 100 requests, 1 of 4 slots, $0.10 of the day's $1 and $0.50 of the 5 h $5;
    // what the first spent of its share is inside what it leased.
    expect(await first.usage('key-u', limits)).toEqual([
      { limit: 'requests-per-minute', max: 100, used: 20 },
      { limit: 'concurrency', max: 4, used: 2 },
      { limit: 'budget', window: 'day', max: 1, used: 0.2 },
      { limit: 'budget', window: '5h', max: 5, used: 1 },
    ]);
    held[1]?.allowed && held[1].settle();
  });

  it('caps concurrency across instances and frees a slot when a request settles', async () => {
    const backend = new MemoryQuotaBackend();
    const [first, second] = [limiter(backend), limiter(backend)];
    const limits: KeyLimits = { concurrency: 2 };
    const a = (await first.admit('key-e', limits)) as QuotaAdmission;
    const b = (await second.admit('key-e', limits)) as QuotaAdmission;
    expect([a.allowed, b.allowed]).toEqual([true, true]);
    const refused = (await first.admit('key-e', limits)) as QuotaRefusal;
    expect(refused.limit).toBe('concurrency');
    expect((await second.admit('key-e', limits)).allowed).toBe(false);
    a.settle();
    a.settle();
    // The slot is back in `first`'s hands at once; `second` would get it once `first` renews and gives it back.
    expect((await first.admit('key-e', limits)).allowed).toBe(true);
  });

  it('keeps a request in flight counted when the key limits change under it', async () => {
    const quota = limiter(new MemoryQuotaBackend());
    const first = (await quota.admit('key-h', { concurrency: 1 })) as QuotaAdmission;
    const raised: KeyLimits = { concurrency: 2 };
    expect((await quota.admit('key-h', raised)).allowed).toBe(true);
    expect((await quota.admit('key-h', raised)).allowed).toBe(false);
    first.settle();
    expect((await quota.admit('key-h', raised)).allowed).toBe(true);
  });

  it('refuses locally, without asking the backend, until the retry time', async () => {
    const counted = countingBackend(new MemoryQuotaBackend());
    const quota = limiter(counted.backend);
    const limits: KeyLimits = { requestsPerMinute: 1 };
    expect((await quota.admit('key-i', limits)).allowed).toBe(true);
    expect((await quota.admit('key-i', limits)).allowed).toBe(false);
    const calls = counted.calls();
    for (let index = 0; index < 100; index += 1) expect(quota.tryAdmit('key-i', limits)?.allowed).toBe(false);
    expect(counted.calls()).toBe(calls);
    expect(quota.stats().refused['requests-per-minute']).toBe(101);
  });

  it('gives back what it holds unspent when it closes', async () => {
    const backend = new MemoryQuotaBackend();
    const quota = limiter(backend, { leaseFraction: 0.5 });
    const limits: KeyLimits = { requestsPerMinute: 10 };
    expect((await quota.admit('key-f', limits)).allowed).toBe(true);
    await quota.close();
    // 5 leased, 1 spent, 4 returned: 9 remain for everyone else.
    expect((await backend.takeRate('key-f:rpm', { limit: 10, periodMs: 60_000 }, 10)).granted).toBe(9);
  });

  it.each([
    [{ requestsPerMinute: 0 }, /limits\.requestsPerMinute/],
    [{ tokensPerMinute: 1.5 }, /limits\.tokensPerMinute/],
    [{ budgets: [{ usd: -1, window: 'day' }] }, /limits\.budgets\[0\]\.usd/],
    [{ budgets: [{ usd: 1, window: 'fortnight' }] }, /limits\.budgets\[0\]\.window/],
  ])('rejects invalid limits %j naming the field', (limits, message) => {
    const quota = limiter(new MemoryQuotaBackend());
    expect(() => quota.tryAdmit('key-g', limits as KeyLimits)).toThrow(QuotaInvalidArgumentError);
    expect(() => quota.tryAdmit('key-g', limits as KeyLimits)).toThrow(message);
  });

  it.each([
    [{ leaseFraction: 0 }, /leaseFraction/],
    [{ leaseFraction: 2 }, /leaseFraction/],
    [{ slotTtlMs: 1000, renewIntervalMs: 1000 }, /renewIntervalMs/],
    [{ backend: {} }, /backend/],
  ])('rejects invalid options %j naming the option', (options, message) => {
    const build = () => new QuotaLimiter({ backend: new MemoryQuotaBackend(), ...options } as never);
    expect(build).toThrow(QuotaInvalidOptionError);
    expect(build).toThrow(message);
  });
});
