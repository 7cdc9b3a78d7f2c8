import { randomUUID } from 'node:crypto';
import type { SessionStore } from '../session-store.js';
import { affinityTests } from './affinity.js';
import { basicTests } from './basic.js';
import { concurrencyTests } from './concurrency.js';
import { findTests } from './find.js';
import { raceTests } from './races.js';
import type { StoreFactoryOptions, SuiteContext, SuiteTestApi } from './suite-context.js';
import { ttlTests } from './ttl.js';

export type { StoreFactoryOptions, SuiteAssertion, SuiteTestApi } from './suite-context.js';

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

/**
 * The compliance suite every `SessionStore` passes (keyv-style): call it inside a test file with the test API and a
 * factory. It creates its own stores and closes them after each test. Its parts, one concern each, sit beside it.
 */
export function sessionStoreTestSuite(
  test: SuiteTestApi,
  createStore: (options: StoreFactoryOptions) => SessionStore | Promise<SessionStore>,
  options: SessionStoreTestSuiteOptions,
): void {
  const open: SessionStore[] = [];
  let namespace = randomUUID();

  const store: SuiteContext['store'] = async (overrides = {}) => {
    const created = await createStore({ namespace, ...overrides });
    open.push(created);
    return created;
  };
  const context: SuiteContext = {
    it: test.it,
    describe: test.describe,
    expect: test.expect,
    store,
    peer: async (first, overrides = {}) => (options.sharesState ? await store(overrides) : first),
    sync: options.sync ?? (async () => {}),
    sharesState: options.sharesState,
    expiryTimeoutMs: options.expiryTimeoutMs ?? 10_000,
  };

  test.afterEach(async () => {
    const closing = open.splice(0);
    await Promise.all(closing.map(async (each) => each.close().catch(() => {})));
    namespace = randomUUID();
  });

  test.describe(`SessionStore compliance: ${options.name}`, () => {
    basicTests(context);
    ttlTests(context);
    findTests(context);
    affinityTests(context);
    concurrencyTests(context);
    raceTests(context);
  });
}
