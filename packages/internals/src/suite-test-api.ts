/**
 * The test functions a compliance suite needs, with the assertions it uses: pass `import * as vitest from 'vitest'`
 * (or an object with these).
 */
export interface SuiteTestApi<Assertion> {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>, timeout?: number): unknown;
  afterEach(body: () => Promise<void>): unknown;
  expect(actual: unknown): Assertion;
}
