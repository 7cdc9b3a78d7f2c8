import { randomUUID } from 'node:crypto';
import type { SessionStore } from '../session-store.js';
import { type SuiteContext, sampleSession, waitUntil } from './suite-context.js';

/** Find by userId, apiKeyId and accountId: exact after expiry, deletion and a move. */
export function findTests(context: SuiteContext): void {
  const { describe, it, expect, store, sync, expiryTimeoutMs } = context;
  describe('find by userId, apiKeyId and accountId', () => {
    it('finds exactly the live sessions, after expiry, deletion and a move to another account', async () => {
      const sessions = await store({ ttlMs: 120_000 });
      const userId = `user-${randomUUID()}`;
      const apiKeyId = `key-${randomUUID()}`;
      const accountId = `account-${randomUUID()}`;
      const shared = { userId, apiKeyId, accountId };
      const staying = sampleSession(120_000, shared);
      const expiring = sampleSession(300, shared);
      const deleted = sampleSession(120_000, shared);
      const moving = sampleSession(120_000, shared);
      const stranger = sampleSession(120_000);
      await sessions.setMany([staying, expiring, deleted, moving, stranger]);
      await sync(sessions);

      const ids = async (query: Parameters<SessionStore['find']>[0]) =>
        (await sessions.find(query)).map((session) => session.id).sort();
      const all = [staying.id, expiring.id, deleted.id, moving.id].sort();
      expect(await ids({ userId })).toEqual(all);
      expect(await ids({ apiKeyId })).toEqual(all);
      expect(await ids({ accountId })).toEqual(all);

      await sessions.delete(deleted.id);
      await sessions.increment(moving.id, { requestCount: 1, accountId: 'elsewhere' });
      expect(await waitUntil(async () => (await sessions.get(expiring.id)) === undefined, expiryTimeoutMs)).toBe(true);
      await sync(sessions);
      expect(await ids({ userId })).toEqual([staying.id, moving.id].sort());
      expect(await ids({ apiKeyId })).toEqual([staying.id, moving.id].sort());
      expect(await ids({ accountId })).toEqual([staying.id]);
      expect(await ids({ userId, accountId })).toEqual([staying.id]);
      expect(await ids({ userId: `nobody-${randomUUID()}` })).toEqual([]);
    });
  });
}
