import { describe, expect, it } from 'vitest';
import { accountState, clockTime } from './account-state.js';
import type { AccountStats } from './relay-stats.js';

const base: AccountStats = {
  id: 'a',
  priority: 0,
  auth: 'api-key',
  inFlight: 0,
  maxConcurrency: 4,
  coolingDownForMs: 0,
  disabled: false,
  requests: 0,
  failures: 0,
};
const receivedAt = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('accountState', () => {
  it.each([
    ['usable', {}, { kind: 'usable', label: 'usable', canEnable: false }],
    ['at capacity', { inFlight: 4 }, { kind: 'at-capacity', label: 'at capacity', canEnable: false }],
    [
      'cooling down',
      { coolingDownForMs: 29_500 },
      {
        kind: 'cooling-down',
        label: `cooling down until ${clockTime(new Date(receivedAt + 29_500))} (30 s)`,
        canEnable: true,
      },
    ],
    [
      'disabled wins over cooling down',
      { disabled: 'the upstream rejected its credential', coolingDownForMs: 1000 },
      { kind: 'disabled', label: 'disabled because the upstream rejected its credential', canEnable: true },
    ],
  ])('%s', (_name, change, expected) => {
    expect(accountState({ ...base, ...change }, receivedAt)).toEqual(expected);
  });
});
