import type { SuiteContext } from './suite-api.js';
import { waitUntil } from './suite-api.js';

/** Concurrency slots: holders share a cap, lowering frees at once, a silent holder's slots expire; racing instances. */
export function slotsSuite({ test, backend, peer, name }: SuiteContext): void {
  const { describe, it, expect } = test;
  describe('concurrency slots', () => {
    it('shares the cap among holders and frees slots as soon as a holder lowers its count', async () => {
      const quota = await backend();
      const slots = name('slots');
      expect(await quota.holdSlots(slots, 'a', 3, 2, 30_000)).toBe(2);
      expect(await quota.holdSlots(slots, 'b', 3, 2, 30_000)).toBe(1);
      // Asking for more than is free keeps what is held.
      expect(await quota.holdSlots(slots, 'b', 3, 3, 30_000)).toBe(1);
      expect(await quota.holdSlots(slots, 'a', 3, 0, 30_000)).toBe(0);
      expect(await quota.holdSlots(slots, 'b', 3, 3, 30_000)).toBe(3);
    });

    it("frees a holder's slots when it stops renewing them", async () => {
      const quota = await backend();
      const slots = name('expiry');
      expect(await quota.holdSlots(slots, 'crashed', 2, 2, 150)).toBe(2);
      expect(await quota.holdSlots(slots, 'alive', 2, 1, 30_000)).toBe(0);
      expect(await waitUntil(async () => (await quota.holdSlots(slots, 'alive', 2, 2, 30_000)) === 2)).toBe(true);
    });

    it('never hands out more than the cap across instances racing for it', async () => {
      const first = await backend();
      const second = await peer(first);
      const slots = name('race');
      const holds = Array.from({ length: 12 }, (_, index) =>
        (index % 2 === 0 ? first : second).holdSlots(slots, `holder-${index}`, 5, 1, 30_000),
      );
      const held = await Promise.all(holds);
      expect(held.reduce((sum, count) => sum + count, 0)).toBe(5);
    });

    it('reads the slots every live holder holds, without holding any', async () => {
      const first = await backend();
      const second = await peer(first);
      const slots = name('read');
      expect(await first.slotsHeld(slots)).toBe(0);
      await first.holdSlots(slots, 'a', 5, 2, 30_000);
      await second.holdSlots(slots, 'b', 5, 1, 30_000);
      await second.holdSlots(slots, 'gone', 5, 1, 100);
      expect(await second.slotsHeld(slots)).toBe(4);
      expect(await waitUntil(async () => (await first.slotsHeld(slots)) === 3)).toBe(true);
      expect(await first.holdSlots(slots, 'c', 5, 5, 30_000)).toBe(2);
    });
  });
}
