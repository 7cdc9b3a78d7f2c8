import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { newSession } from '../session.js';
import { sessionStoreTestSuite } from '../testing/session-store-test-suite.js';
import { MemorySessionStore } from './memory.js';

sessionStoreTestSuite(vitest, (options) => new MemorySessionStore(options), { name: 'memory', sharesState: false });

describe('MemorySessionStore', () => {
  it('evicts the least recently used session beyond maxSessions and drops it from the find-by indexes', async () => {
    const store = new MemorySessionStore({ maxSessions: 3 });
    const now = Date.now();
    const sessions = ['a', 'b', 'c', 'd'].map((id) => newSession(id, { userId: 'user-1' }, now, 60_000));
    // The first find builds the userId index; the eviction below must then leave it too.
    expect(await store.find({ userId: 'user-1' })).toEqual([]);
    for (const session of sessions) await store.set(session);
    expect(await store.get('a')).toBeUndefined();
    expect((await store.find({ userId: 'user-1' })).map((session) => session.id).sort()).toEqual(['b', 'c', 'd']);
    expect(store.stats().cachedSessions).toBe(3);
  });

  it('reports an expiry it notices as session-expired and counts it', async () => {
    const store = new MemorySessionStore();
    const expired: string[] = [];
    store.on('session-expired', ({ sessionId }) => expired.push(sessionId));
    await store.set(newSession('short', {}, Date.now(), 50));
    await vitest.vi.waitFor(async () => expect(await store.get('short')).toBeUndefined(), { timeout: 5000 });
    expect(expired).toEqual(['short']);
    expect(store.stats().expired).toBe(1);
  });

  it('names the bad option', () => {
    expect(() => new MemorySessionStore({ maxSessions: 0 })).toThrow(InvalidOptionError);
    expect(() => new MemorySessionStore({ ttlMs: 1.5 })).toThrow(/ttlMs/);
  });
});
