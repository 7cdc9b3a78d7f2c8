import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type SuiteContext, sampleSession, waitUntil } from './suite-context.js';

/** Affinity: claim, set, clear, slide on read, its own TTL, moves seen by other instances. */
export function affinityTests(context: SuiteContext): void {
  const { describe, it, expect, store, peer, sync, expiryTimeoutMs } = context;
  describe('affinity', () => {
    it('claims once: a second claim returns the first account, a forced set overrides it, clear removes it', async () => {
      const sessions = await store();
      const id = `session-${randomUUID()}`;
      expect(await sessions.getAffinity(id)).toBeUndefined();
      expect(await sessions.claimAffinity(id, 'account-a')).toBe('account-a');
      expect(await sessions.claimAffinity(id, 'account-b')).toBe('account-a');
      expect(await sessions.getAffinity(id)).toBe('account-a');
      await sessions.setAffinity(id, 'account-c');
      expect(await sessions.getAffinity(id)).toBe('account-c');
      expect(await sessions.clearAffinity(id)).toBe(true);
      expect(await sessions.getAffinity(id)).toBeUndefined();
    });

    it('sees a forced move made by another instance', async () => {
      const first = await store();
      const second = await peer(first);
      const id = `session-${randomUUID()}`;
      await first.claimAffinity(id, 'account-a');
      expect(await second.getAffinity(id)).toBe('account-a');
      await first.setAffinity(id, 'account-b');
      expect(await waitUntil(async () => (await second.getAffinity(id)) === 'account-b', expiryTimeoutMs)).toBe(true);
    });

    it('slides an affinity on every read: one read more often than its TTL outlives it', async () => {
      // Real waiting, with margins generous for a loaded machine: reads every ~100 ms keep a 1 s TTL alive for
      // three TTLs, while its unread twin expires.
      const affinityTtlMs = 1000;
      const sessions = await store({ affinityTtlMs });
      const read = `session-${randomUUID()}`;
      const unread = `session-${randomUUID()}`;
      await sessions.claimAffinity(read, 'account-a');
      await sessions.claimAffinity(unread, 'account-a');
      const until = Date.now() + 3 * affinityTtlMs;
      while (Date.now() < until) {
        expect(await sessions.getAffinity(read)).toBe('account-a');
        // The slide must reach the shared state too, not only this instance's memory.
        await sync(sessions);
        await sleep(affinityTtlMs / 10);
      }
      expect(await sessions.getAffinity(unread)).toBeUndefined();
      const other = await peer(sessions, { affinityTtlMs });
      expect(await other.getAffinity(read)).toBe('account-a');
    });

    it('expires an affinity after its own TTL, independent of the session', async () => {
      const sessions = await store({ affinityTtlMs: 300, ttlMs: 120_000 });
      const session = sampleSession(120_000);
      await sessions.set(session);
      await sessions.claimAffinity(session.id, 'account-a');
      // Reading an affinity slides it, so watch a session set to expire no earlier than the affinity instead.
      const witness = sampleSession(300);
      await sessions.set(witness);
      expect(await waitUntil(async () => (await sessions.get(witness.id)) === undefined, expiryTimeoutMs)).toBe(true);
      expect(await sessions.getAffinity(session.id)).toBeUndefined();
      expect((await sessions.get(session.id))?.id).toBe(session.id);
    });
  });
}
