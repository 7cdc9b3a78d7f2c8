import { setTimeout as sleep } from 'node:timers/promises';
import type { SuiteContext } from './suite-api.js';

const perMinute = (limit: number) => ({ limit, periodMs: 60_000 });

/** GCRA rates: burst, refusal with a retry time, partial grants, give-backs, refill, and two instances racing. */
export function rateSuite({ test, backend, peer, name }: SuiteContext): void {
  const { describe, it, expect } = test;
  describe('rates', () => {
    it('grants a burst of the limit, then refuses with the time until one unit frees', async () => {
      const quota = await backend();
      const rate = name('rate');
      const grants = [];
      for (let index = 0; index < 8; index += 1) grants.push(await quota.takeRate(rate, perMinute(5), 1));
      expect(grants.map((grant) => grant.granted)).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
      const refusal = grants[5];
      expect(refusal?.retryAfterMs).toBeGreaterThan(11_000);
      expect(refusal?.retryAfterMs).toBeLessThanOrEqual(12_000);
    });

    it('grants part of a large ask, and what is given back can be taken again', async () => {
      const quota = await backend();
      const rate = name('partial');
      expect((await quota.takeRate(rate, perMinute(10), 25)).granted).toBe(10);
      expect((await quota.takeRate(rate, perMinute(10), 1)).granted).toBe(0);
      await quota.returnRate(rate, perMinute(10), 4);
      expect((await quota.takeRate(rate, perMinute(10), 10)).granted).toBe(4);
      // Separate names are separate rates.
      expect((await quota.takeRate(name('other'), perMinute(10), 3)).granted).toBe(3);
    });

    it('refills at limit per period', async () => {
      const quota = await backend();
      const rate = name('refill');
      const spec = { limit: 20, periodMs: 1000 };
      expect((await quota.takeRate(rate, spec, 20)).granted).toBe(20);
      await sleep(300);
      const refilled = (await quota.takeRate(rate, spec, 20)).granted;
      // 300 ms at 20/s is 6 units; never the whole burst back.
      expect(refilled).toBeGreaterThanOrEqual(4);
      expect(refilled).toBeLessThanOrEqual(12);
    });

    it('never grants more than the limit across instances racing for it', async () => {
      const first = await backend();
      const second = await peer(first);
      const rate = name('race');
      const takes = Array.from({ length: 40 }, (_, index) =>
        (index % 2 === 0 ? first : second).takeRate(rate, perMinute(15), 1),
      );
      const grants = await Promise.all(takes);
      expect(grants.reduce((sum, grant) => sum + grant.granted, 0)).toBe(15);
    });

    it('reads what is used of a rate, across instances, without taking any', async () => {
      const first = await backend();
      const second = await peer(first);
      const rate = name('read');
      expect(await first.rateUsed(rate, perMinute(10))).toBe(0);
      await first.takeRate(rate, perMinute(10), 3);
      await second.takeRate(rate, perMinute(10), 4);
      expect(await second.rateUsed(rate, perMinute(10))).toBe(7);
      expect(await first.rateUsed(rate, perMinute(10))).toBe(7);
      await first.returnRate(rate, perMinute(10), 2);
      expect(await second.rateUsed(rate, perMinute(10))).toBe(5);
      // Reading took nothing: the other 5 of the burst are still there.
      expect((await first.takeRate(rate, perMinute(10), 10)).granted).toBe(5);
    });
  });
}
