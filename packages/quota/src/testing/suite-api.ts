import type { SuiteTestApi as TestApi } from '@relay/internals';
import type { QuotaBackend } from '../backends/quota-backend.js';

export { waitUntil } from '@relay/internals';

/** The assertions the suite uses; vitest's (or jest's) `expect` fits. */
export interface SuiteAssertion {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeGreaterThan(expected: number): void;
  toBeGreaterThanOrEqual(expected: number): void;
  toBeLessThanOrEqual(expected: number): void;
  toHaveLength(expected: number): void;
  readonly not: SuiteAssertion;
}

/** The test functions the suite needs: pass `import * as vitest from 'vitest'` (or an object with these). */
export type SuiteTestApi = TestApi<SuiteAssertion>;

/** What the suite asks of a factory for one backend. */
export interface BackendFactoryOptions {
  /** Backends created with the same namespace share their state (one Redis key prefix); others must not. */
  namespace: string;
}

export type BackendFactory = (options: BackendFactoryOptions) => QuotaBackend | Promise<QuotaBackend>;

export interface QuotaBackendTestSuiteOptions {
  /** Shown in the suite's name. */
  name: string;
  /**
   * True when two backends of one namespace share state (Redis-backed ones, each with its own connection): the
   * "across instances" tests then race two of them. Otherwise one backend plays both parts.
   */
  sharesState: boolean;
}

/** The per-test harness every concern file uses: fresh namespaces, backends closed after each test. */
export interface SuiteContext {
  readonly test: SuiteTestApi;
  readonly options: QuotaBackendTestSuiteOptions;
  /** A backend in this test's namespace. */
  backend(): Promise<QuotaBackend>;
  /** A second instance sharing the first's state (the same one when the backend has no shared state). */
  peer(first: QuotaBackend): Promise<QuotaBackend>;
  /** A name unique to this test (for rates, budgets, slots and ledger keys). */
  name(label: string): string;
}

export function suiteContext(
  test: SuiteTestApi,
  createBackend: BackendFactory,
  options: QuotaBackendTestSuiteOptions,
): SuiteContext {
  const open: QuotaBackend[] = [];
  let namespace = randomId();
  test.afterEach(async () => {
    const closing = open.splice(0);
    await Promise.all(closing.map(async (each) => each.close().catch(() => {})));
    namespace = randomId();
  });
  const backend = async () => {
    const created = await createBackend({ namespace });
    open.push(created);
    return created;
  };
  return {
    test,
    options,
    backend,
    peer: async (first) => (options.sharesState ? await backend() : first),
    name: (label) => `${label}-${randomId()}`,
  };
}

function randomId(): string {
  return Math.random().toString(36).slice(2, 10);
}
