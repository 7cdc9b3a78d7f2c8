import { describe, expect, it } from 'vitest';
import { accountState } from './account-state.js';
import { clockTime } from './format.js';
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
const at = (offsetMs: number) => clockTime(new Date(receivedAt + offsetMs));

describe('accountState', () => {
  it.each([
    ['usable', {}, { kind: 'usable', label: 'usable', canEnable: false }],
    [
      'usable with a window warning',
      { warning: true },
      { kind: 'usable', label: 'usable (the upstream warned about a window)', canEnable: false },
    ],
    ['at capacity', { inFlight: 4 }, { kind: 'at-capacity', label: 'at capacity', canEnable: false }],
    [
      'cooling down',
      { coolingDownForMs: 29_500 },
      { kind: 'cooling-down', label: `cooling down until ${at(29_500)} (30 s)`, canEnable: true },
    ],
    [
      'cooling down, with the reason',
      { coolingDownForMs: 185_000, coolingReason: 'window five_hour used up' },
      {
        kind: 'cooling-down',
        label: `cooling down until ${at(185_000)} (3 min 05 s) — window five_hour used up`,
        canEnable: true,
      },
    ],
    [
      'disabled wins over cooling down',
      { disabled: 'the upstream rejected its credential', coolingDownForMs: 1000 },
      { kind: 'disabled', label: 'disabled because the upstream rejected its credential', canEnable: true },
    ],
    [
      'route open',
      { routeOpen: true },
      {
        kind: 'route-open',
        label: 'route open: the breaker of its upstream route is open after connection failures',
        canEnable: false,
      },
    ],
    ['cooling down wins over route open', { routeOpen: true, coolingDownForMs: 1000 }, { kind: 'cooling-down' }],
  ])('%s', (_name, change, expected) => {
    expect(accountState({ ...base, ...change }, receivedAt)).toMatchObject(expected);
  });
});
