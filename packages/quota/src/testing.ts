export { quotaBackendTestSuite } from './testing/quota-backend-test-suite.js';
export type {
  BackendFactory,
  BackendFactoryOptions,
  QuotaBackendTestSuiteOptions,
  SuiteAssertion,
  SuiteTestApi,
} from './testing/suite-api.js';
