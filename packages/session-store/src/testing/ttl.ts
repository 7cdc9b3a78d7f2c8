import { type SuiteContext, sampleSession, waitUntil } from './suite-context.js';

/** Expiry at `expiresAt` and sliding on touch. */
export function ttlTests(context: SuiteContext): void {
  const { describe, it, expect, store, expiryTimeoutMs } = context;
  describe('TTL', () => {
    it('forgets a session at its expiry', async () => {
      const sessions = await store();
      const session = sampleSession(300);
      await sessions.set(session);
      expect(await sessions.get(session.id)).toBeDefined();
      expect(await waitUntil(async () => (await sessions.get(session.id)) === undefined, expiryTimeoutMs)).toBe(true);
    });

    it('slides the expiry on touch: a touched session outlives an untouched twin', async () => {
      const sessions = await store({ ttlMs: 120_000 });
      const touched = sampleSession(400);
      const untouched = { ...sampleSession(400), expiresAt: touched.expiresAt };
      await sessions.setMany([touched, untouched]);
      const slid = await sessions.touch(touched.id);
      expect(slid?.expiresAt).toBeGreaterThan(touched.expiresAt);
      expect(await waitUntil(async () => (await sessions.get(untouched.id)) === undefined, expiryTimeoutMs)).toBe(true);
      expect((await sessions.get(touched.id))?.id).toBe(touched.id);
    });
  });
}
