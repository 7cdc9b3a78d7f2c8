import { type SuiteContext, sampleSession } from './suite-context.js';

/** Counters that two instances change at once add up exactly. */
export function concurrencyTests(context: SuiteContext): void {
  const { describe, it, expect, store, peer, sync, sharesState } = context;
  describe('concurrency', () => {
    it('sums concurrent increments from two instances exactly', async () => {
      const first = await store();
      const second = await peer(first);
      const session = sampleSession(120_000, {
        requestCount: 0,
        errorCount: 0,
        tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
      });
      await first.create(session);
      await sync(first);
      const rounds = 100;
      await Promise.all(
        Array.from({ length: rounds }, async (_, index) => {
          const delta = { requestCount: 1, errorCount: index % 2, tokens: { input: 1, output: 2, cacheRead: 3 } };
          await Promise.all([first.increment(session.id, delta), second.increment(session.id, delta)]);
        }),
      );
      await sync(first);
      await sync(second);
      // A fresh instance reads what reached the shared state.
      const reader = sharesState ? await store() : first;
      const read = await reader.get(session.id);
      expect(read?.requestCount).toBe(2 * rounds);
      expect(read?.errorCount).toBe(rounds);
      expect(read?.tokens).toEqual({
        input: 2 * rounds,
        output: 4 * rounds,
        cacheRead: 6 * rounds,
        cacheCreation: 0,
      });
    });
  });
}
