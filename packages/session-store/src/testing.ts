export {
  type SessionStoreTestSuiteOptions,
  type StoreFactoryOptions,
  type SuiteAssertion,
  type SuiteTestApi,
  sessionStoreTestSuite,
} from './testing/session-store-test-suite.js';
