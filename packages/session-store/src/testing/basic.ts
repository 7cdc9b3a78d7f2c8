import { randomUUID } from 'node:crypto';
import { StoreClosedError } from '../errors.js';
import { type SuiteContext, sampleSession } from './suite-context.js';

/** Set, get, replace, create, delete, increment, batches, close and stats. */
export function basicTests(context: SuiteContext): void {
  const { describe, it, expect, store, peer, sync } = context;
  describe('CRUD', () => {
    it('returns what was set, field for field, and undefined for an unknown id', async () => {
      const sessions = await store();
      const session = sampleSession(60_000);
      await sessions.set(session);
      expect(await sessions.get(session.id)).toEqual(session);
      expect(await sessions.get(`missing-${randomUUID()}`)).toBeUndefined();
    });

    it('replaces a session on set', async () => {
      const sessions = await store();
      const session = sampleSession(60_000);
      await sessions.set(session);
      const replaced = { ...session, requestCount: 0, errorCount: 0, lastError: undefined, accountId: 'account-b' };
      await sessions.set(replaced);
      expect(await sessions.get(session.id)).toEqual(replaced);
    });

    it('creates once: a second create of the same id returns the first session', async () => {
      const sessions = await store();
      const first = sampleSession(60_000, { requestCount: 0, errorCount: 0 });
      const second = { ...first, userId: 'someone-else' };
      const created = await sessions.create(first);
      expect(created.created).toBe(true);
      const again = await sessions.create(second);
      expect(again.created).toBe(false);
      expect(again.session.userId).toBe(first.userId);
      expect((await sessions.get(first.id))?.userId).toBe(first.userId);
    });

    it('sees a session another instance created before creating its own', async () => {
      const first = await store();
      const second = await peer(first);
      const session = sampleSession(60_000);
      await first.create(session);
      await sync(first);
      const result = await second.create({ ...session, userId: 'late-comer' });
      expect(result.created).toBe(false);
      expect(result.session.userId).toBe(session.userId);
    });

    it('deletes: true once, then false, and the session is gone', async () => {
      const sessions = await store();
      const session = sampleSession(60_000);
      await sessions.set(session);
      expect(await sessions.delete(session.id)).toBe(true);
      expect(await sessions.get(session.id)).toBeUndefined();
      expect(await sessions.delete(session.id)).toBe(false);
    });

    it('increments counters and token sums, sets lastError and accountId, and slides the expiry', async () => {
      const sessions = await store({ ttlMs: 120_000 });
      const session = sampleSession(60_000);
      await sessions.set(session);
      const updated = await sessions.increment(session.id, {
        requestCount: 2,
        errorCount: 1,
        tokens: { input: 1, output: 2, cacheRead: 3, cacheCreation: 4 },
        lastError: 'HTTP 500',
        accountId: 'account-b',
      });
      const expected = {
        requestCount: 5,
        errorCount: 2,
        tokens: { input: 11, output: 22, cacheRead: 33, cacheCreation: 44 },
        lastError: 'HTTP 500',
        accountId: 'account-b',
      };
      for (const read of [updated, await sessions.get(session.id)]) {
        expect(read).toBeDefined();
        expect({
          requestCount: read?.requestCount,
          errorCount: read?.errorCount,
          tokens: read?.tokens,
          lastError: read?.lastError,
          accountId: read?.accountId,
        }).toEqual(expected);
        expect(read?.userId).toBe(session.userId);
        expect(read?.metadata).toEqual(session.metadata);
        expect(read?.expiresAt).toBeGreaterThan(session.expiresAt);
      }
    });

    it('does not resurrect an unknown session on increment or touch', async () => {
      const sessions = await store();
      const id = `missing-${randomUUID()}`;
      expect(await sessions.increment(id, { requestCount: 1 })).toBeUndefined();
      expect(await sessions.touch(id)).toBeUndefined();
      expect(await sessions.get(id)).toBeUndefined();
    });

    it('rejects calls with StoreClosedError after close', async () => {
      const sessions = await store();
      await sessions.close();
      const error = await sessions.get('any').then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(StoreClosedError);
    });
  });

  describe('batch operations', () => {
    it('setMany then getMany keeps the order and answers undefined for unknown ids', async () => {
      const sessions = await store();
      const batch = Array.from({ length: 25 }, () => sampleSession(60_000));
      await sessions.setMany(batch);
      const missing = `missing-${randomUUID()}`;
      const ids = [batch[3]?.id, missing, ...batch.map((session) => session.id)] as string[];
      const read = await sessions.getMany(ids);
      expect(read).toEqual([batch[3], undefined, ...batch]);
    });
  });

  describe('stats', () => {
    it('names its backend and counts reads', async () => {
      const sessions = await store();
      const session = sampleSession(60_000);
      await sessions.set(session);
      await sessions.get(session.id);
      const stats = sessions.stats();
      expect(stats.backend).toBe(sessions.backend);
      expect(stats.hits + stats.misses).toBeGreaterThan(0);
    });
  });
}
