import { describe, expect, it } from 'vitest';
import { workersStoreWarning } from './workers-store-warning.js';

describe('workersStoreWarning', () => {
  it.each([
    [1, 'memory', false],
    [2, 'memory', true],
    [4, 'hybrid', false],
    [4, 'redis', false],
  ] as const)('%i workers on the %s store: warned %s', (workers, store, warned) => {
    const warning = workersStoreWarning(workers, store);
    expect(warning !== undefined).toBe(warned);
    if (warning) expect(warning).toContain(`${workers} times its limits`);
  });
});
