import { windowSpan } from '../limits/budget-window.js';
import type { SuiteContext } from './suite-api.js';

/** Budgets: calendar and rolling windows, debt charges, give-backs, and two instances racing. */
export function budgetSuite({ test, backend, peer, name }: SuiteContext): void {
  const { describe, it, expect } = test;
  describe('budgets', () => {
    it('grants up to the limit in a calendar window, then refuses until the window ends', async () => {
      const quota = await backend();
      const budget = name('day');
      const now = Date.parse('2026-12-01T18:00:00Z');
      const span = windowSpan('day', now);
      const grants = [];
      for (let index = 0; index < 5; index += 1) grants.push(await quota.takeBudget(budget, span, 100, 30, now));
      expect(grants.map((grant) => grant.granted)).toEqual([30, 30, 30, 10, 0]);
      expect(grants[4]?.retryAfterMs).toBe(6 * 3_600_000);
      // The next day is a new window.
      const tomorrow = now + 86_400_000;
      expect((await quota.takeBudget(budget, windowSpan('day', tomorrow), 100, 30, tomorrow)).granted).toBe(30);
    });

    it('charges debt beyond the limit, and gives back without going below zero', async () => {
      const quota = await backend();
      const budget = name('debt');
      const now = Date.now();
      const span = windowSpan('total', now);
      await quota.chargeBudget(budget, span, 120, now);
      expect((await quota.takeBudget(budget, span, 100, 10, now)).granted).toBe(0);
      await quota.chargeBudget(budget, span, -50, now);
      expect((await quota.takeBudget(budget, span, 100, 100, now)).granted).toBe(30);
      await quota.chargeBudget(budget, span, -1000, now);
      expect((await quota.takeBudget(budget, span, 100, 1000, now)).granted).toBe(100);
    });

    it('lets spending leave a rolling window bucket by bucket', async () => {
      const quota = await backend();
      const budget = name('rolling');
      const start = Date.parse('2026-12-01T10:00:00Z');
      const at = (minutes: number) => start + minutes * 60_000;
      const span = windowSpan('5h', start);
      expect((await quota.takeBudget(budget, span, 100, 60, at(0))).granted).toBe(60);
      expect((await quota.takeBudget(budget, span, 100, 60, at(120))).granted).toBe(40);
      const refused = await quota.takeBudget(budget, span, 100, 10, at(180));
      expect(refused.granted).toBe(0);
      // The first 60 leave the window at 5 h.
      expect(refused.retryAfterMs).toBe(120 * 60_000);
      expect((await quota.takeBudget(budget, span, 100, 100, at(300))).granted).toBe(60);
      expect((await quota.takeBudget(budget, span, 100, 100, at(420))).granted).toBe(40);
    });

    it('never grants more than the limit across instances racing for it', async () => {
      const first = await backend();
      const second = await peer(first);
      const budget = name('race');
      const now = Date.now();
      const span = windowSpan('month', now);
      const takes = Array.from({ length: 30 }, (_, index) =>
        (index % 2 === 0 ? first : second).takeBudget(budget, span, 1000, 70, now),
      );
      const grants = await Promise.all(takes);
      expect(grants.reduce((sum, grant) => sum + grant.granted, 0)).toBe(1000);
    });

    it('reads what is taken of a calendar and a rolling budget, across instances, without taking any', async () => {
      const first = await backend();
      const second = await peer(first);
      const now = Date.now();
      const calendar = name('read-day');
      const day = windowSpan('day', now);
      expect(await first.budgetUsed(calendar, day, now)).toBe(0);
      await first.takeBudget(calendar, day, 1000, 300, now);
      await second.chargeBudget(calendar, day, 50, now);
      expect(await second.budgetUsed(calendar, day, now)).toBe(350);
      expect((await first.takeBudget(calendar, day, 1000, 1000, now)).granted).toBe(650);

      const rolling = name('read-rolling');
      const start = Date.parse('2026-12-01T10:00:00Z');
      const span = windowSpan('5h', start);
      await first.takeBudget(rolling, span, 100, 60, start);
      await second.takeBudget(rolling, span, 100, 30, start + 120 * 60_000);
      expect(await first.budgetUsed(rolling, span, start + 180 * 60_000)).toBe(90);
      // The first 60 have left the window 5 h after they were taken.
      expect(await second.budgetUsed(rolling, span, start + 300 * 60_000)).toBe(30);
    });
  });
}
