import { randomUUID } from 'node:crypto';
import type { CreateResult } from '../session-store.js';
import { type SuiteContext, sampleSession } from './suite-context.js';

/**
 * What the contract promises "across instances", raced: two instances (one store where state is not shared) make
 * many concurrent calls on the same new ids, and exactly one of them may win each.
 */
export function raceTests(context: SuiteContext): void {
  const { describe, it, expect, store, peer } = context;
  describe('races between two instances', () => {
    it('creates each new session exactly once when two instances race to create it', async () => {
      const first = await store();
      const second = await peer(first);
      const ids = Array.from({ length: 40 }, () => `session-${randomUUID()}`);
      const attemptsPerInstance = 3;
      const attempts = ids.flatMap((id) =>
        [first, second].flatMap((instance) =>
          Array.from({ length: attemptsPerInstance }, () => ({
            id,
            result: instance.create(
              sampleSession(60_000, { id, userId: `user-${randomUUID()}`, requestCount: 0, errorCount: 0 }),
            ),
          })),
        ),
      );
      const results = await Promise.all(attempts.map(async ({ id, result }) => ({ id, result: await result })));
      const byId = new Map<string, CreateResult[]>();
      for (const { id, result } of results) byId.set(id, [...(byId.get(id) ?? []), result]);
      for (const id of ids) {
        const outcomes = byId.get(id) ?? [];
        expect(outcomes.filter((outcome) => outcome.created)).toHaveLength(1);
        // Every loser is handed the winner's session, and both instances read it.
        const winner = outcomes.find((outcome) => outcome.created)?.session.userId;
        expect(new Set(outcomes.map((outcome) => outcome.session.userId))).toEqual(new Set([winner]));
        expect((await first.get(id))?.userId).toBe(winner);
        expect((await second.get(id))?.userId).toBe(winner);
      }
    });

    it('agrees on one account when two instances race to claim a new session', async () => {
      const first = await store();
      const second = await peer(first);
      const ids = Array.from({ length: 20 }, () => `session-${randomUUID()}`);
      const claims = await Promise.all(
        ids.map(async (id) =>
          Promise.all(
            [first, second].flatMap((instance, side) =>
              [0, 1, 2].map((attempt) => instance.claimAffinity(id, `account-${side}-${attempt}`)),
            ),
          ),
        ),
      );
      for (const [position, id] of ids.entries()) {
        const winners = new Set(claims[position]);
        expect(winners.size).toBe(1);
        const [winner] = winners;
        expect(await first.getAffinity(id)).toBe(winner);
        expect(await second.getAffinity(id)).toBe(winner);
      }
    });
  });
}
