import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreClosedError } from '../errors.js';
import { newSession, type Session } from '../session.js';
import type { SessionStore } from '../session-store.js';

/** The assertions the suite uses; vitest's (or jest's) `expect` fits. */
export interface SuiteAssertion {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeUndefined(): void;
  toBeDefined(): void;
  toBeInstanceOf(expected: abstract new (...args: never[]) => unknown): void;
  toBeGreaterThan(expected: number): void;
  toHaveLength(expected: number): void;
  readonly not: SuiteAssertion;
}

/** The test functions the suite needs: pass `import * as vitest from 'vitest'` (or an object with these). */
export interface SuiteTestApi {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>, timeout?: number): unknown;
  afterEach(body: () => Promise<void>): unknown;
  expect(actual: unknown): SuiteAssertion;
}

/** What the suite asks of a store factory for one store. */
export interface StoreFactoryOptions {
  /** Stores created with the same namespace share their data (the same Redis key prefix); others must not. */
  namespace: string;
  /** Session TTL for the store (default: the backend's). */
  ttlMs?: number;
  /** Affinity TTL for the store (default: the backend's). */
  affinityTtlMs?: number;
}

export interface SessionStoreTestSuiteOptions {
  /** Shown in the suite's name. */
  name: string;
  /**
   * True when two stores with the same namespace share data (Redis-backed ones). The cross-instance tests then
   * use two stores; otherwise one store plays both parts.
   */
  sharesState: boolean;
  /** Makes a store's writes visible to other instances (the hybrid store: `flush()`). Default: nothing to do. */
  sync?: (store: SessionStore) => Promise<void>;
  /** Longest the suite waits for an expiry to be observed, ms. Default 10 000. */
  expiryTimeoutMs?: number;
}

/** A fresh session with every field set, expiring `lifetimeMs` from now. */
function sampleSession(lifetimeMs: number, overrides: Partial<Session> = {}): Session {
  const session = newSession(
    `session-${randomUUID()}`,
    {
      userId: `user-${randomUUID()}`,
      apiKeyId: `key-${randomUUID()}`,
      accountId: 'account-a',
      metadata: { app: 'cli' },
    },
    Date.now(),
    lifetimeMs,
  );
  return {
    ...session,
    requestCount: 3,
    errorCount: 1,
    lastError: 'HTTP 529',
    tokens: { input: 10, output: 20, cacheRead: 30, cacheCreation: 40 },
    ...overrides,
  };
}

/** Polls `condition` until it holds or `timeoutMs` passes (expiry is observed, never assumed after a delay). */
async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(25);
  }
  return await condition();
}

/**
 * The compliance suite every `SessionStore` passes (keyv-style): call it inside a test file with the test API and a
 * factory. It creates its own stores and closes them after each test.
 */
export function sessionStoreTestSuite(
  test: SuiteTestApi,
  createStore: (options: StoreFactoryOptions) => SessionStore | Promise<SessionStore>,
  options: SessionStoreTestSuiteOptions,
): void {
  const { describe, it, afterEach, expect } = test;
  const sync = options.sync ?? (async () => {});
  const expiryTimeoutMs = options.expiryTimeoutMs ?? 10_000;
  const open: SessionStore[] = [];
  let namespace = randomUUID();

  const store = async (overrides: Omit<StoreFactoryOptions, 'namespace'> = {}) => {
    const created = await createStore({ namespace, ...overrides });
    open.push(created);
    return created;
  };
  /** A second store sharing the first's data (the same one when the backend has no shared state). */
  const peer = async (first: SessionStore, overrides: Omit<StoreFactoryOptions, 'namespace'> = {}) =>
    options.sharesState ? await store(overrides) : first;

  afterEach(async () => {
    const closing = open.splice(0);
    await Promise.all(closing.map(async (each) => each.close().catch(() => {})));
    namespace = randomUUID();
  });

  describe(`SessionStore compliance: ${options.name}`, () => {
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
        expect(await waitUntil(async () => (await sessions.get(untouched.id)) === undefined, expiryTimeoutMs)).toBe(
          true,
        );
        expect((await sessions.get(touched.id))?.id).toBe(touched.id);
      });
    });

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
        expect(await waitUntil(async () => (await sessions.get(expiring.id)) === undefined, expiryTimeoutMs)).toBe(
          true,
        );
        await sync(sessions);
        expect(await ids({ userId })).toEqual([staying.id, moving.id].sort());
        expect(await ids({ apiKeyId })).toEqual([staying.id, moving.id].sort());
        expect(await ids({ accountId })).toEqual([staying.id]);
        expect(await ids({ userId, accountId })).toEqual([staying.id]);
        expect(await ids({ userId: `nobody-${randomUUID()}` })).toEqual([]);
      });
    });

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

      it('agrees on one account when two instances race to claim a new session', async () => {
        const first = await store();
        const second = await peer(first);
        for (let round = 0; round < 20; round += 1) {
          const id = `session-${randomUUID()}`;
          const [left, right] = await Promise.all([
            first.claimAffinity(id, 'account-left'),
            second.claimAffinity(id, 'account-right'),
          ]);
          expect(left).toBe(right);
          expect(await first.getAffinity(id)).toBe(left);
          expect(await second.getAffinity(id)).toBe(left);
        }
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
        const reader = options.sharesState ? await store() : first;
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
  });
}
