import { randomUUID } from 'node:crypto';
import type { SuiteTestApi as TestApi } from '@relay/internals';
import { newSession, type Session } from '../session.js';
import type { SessionStore } from '../session-store.js';

export { waitUntil } from '@relay/internals';

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
export type SuiteTestApi = TestApi<SuiteAssertion>;

/** What the suite asks of a store factory for one store. */
export interface StoreFactoryOptions {
  /** Stores created with the same namespace share their data (the same Redis key prefix); others must not. */
  namespace: string;
  /** Session TTL for the store (default: the backend's). */
  ttlMs?: number;
  /** Affinity TTL for the store (default: the backend's). */
  affinityTtlMs?: number;
}

/** What each part of the suite is given: the test API, store makers and the backend's options. */
export interface SuiteContext {
  readonly it: SuiteTestApi['it'];
  readonly describe: SuiteTestApi['describe'];
  readonly expect: SuiteTestApi['expect'];
  /** A store in this test's namespace (closed after the test). */
  store(overrides?: Omit<StoreFactoryOptions, 'namespace'>): Promise<SessionStore>;
  /** A second instance sharing `first`'s data (`first` itself when the backend has no shared state). */
  peer(first: SessionStore, overrides?: Omit<StoreFactoryOptions, 'namespace'>): Promise<SessionStore>;
  /** Makes a store's writes visible to other instances. */
  sync(store: SessionStore): Promise<void>;
  readonly sharesState: boolean;
  readonly expiryTimeoutMs: number;
}

/** A fresh session with every field set, expiring `lifetimeMs` from now. */
export function sampleSession(lifetimeMs: number, overrides: Partial<Session> = {}): Session {
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
