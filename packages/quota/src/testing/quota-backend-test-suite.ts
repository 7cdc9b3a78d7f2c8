import { budgetSuite } from './budget-suite.js';
import { ledgerSuite } from './ledger-suite.js';
import { rateSuite } from './rate-suite.js';
import { slotsSuite } from './slots-suite.js';
import {
  type BackendFactory,
  type QuotaBackendTestSuiteOptions,
  type SuiteTestApi,
  suiteContext,
} from './suite-api.js';

/**
 * The compliance suite every `QuotaBackend` passes (keyv-style): call it inside a test file with the test API and a
 * factory. One file per concern: rates, budgets, concurrency slots, ledger.
 */
export function quotaBackendTestSuite(
  test: SuiteTestApi,
  createBackend: BackendFactory,
  options: QuotaBackendTestSuiteOptions,
): void {
  test.describe(`QuotaBackend compliance: ${options.name}`, () => {
    const context = suiteContext(test, createBackend, options);
    rateSuite(context);
    budgetSuite(context);
    slotsSuite(context);
    ledgerSuite(context);
  });
}
