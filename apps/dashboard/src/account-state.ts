import { clockTime, durationText } from './format.js';
import type { AccountStats } from './relay-stats.js';

/** What an account row says about the account's state. */
export interface AccountState {
  readonly kind: 'usable' | 'cooling-down' | 'disabled' | 'route-open' | 'at-capacity';
  readonly label: string;
  /** A disabled or cooling account can be put back into service from the console. */
  readonly canEnable: boolean;
}

/**
 * The state of `account` as seen in an answer that arrived at `receivedAt` (ms since the epoch), in the relay's
 * order: disabled, then cooling down, then at capacity (its own state), then its route's breaker.
 */
export function accountState(account: AccountStats, receivedAt: number): AccountState {
  if (account.disabled !== false) {
    return { kind: 'disabled', label: `disabled because ${account.disabled}`, canEnable: true };
  }
  if (account.coolingDownForMs > 0) {
    const until = new Date(receivedAt + account.coolingDownForMs);
    const why = account.coolingReason ? ` — ${account.coolingReason}` : '';
    return {
      kind: 'cooling-down',
      label: `cooling down until ${clockTime(until)} (${durationText(account.coolingDownForMs)})${why}`,
      canEnable: true,
    };
  }
  if (account.inFlight >= account.maxConcurrency) {
    return { kind: 'at-capacity', label: 'at capacity', canEnable: false };
  }
  if (account.routeOpen === true) {
    return {
      kind: 'route-open',
      label: 'route open: the breaker of its upstream route is open after connection failures',
      canEnable: false,
    };
  }
  return {
    kind: 'usable',
    label: account.warning ? 'usable (the upstream warned about a window)' : 'usable',
    canEnable: false,
  };
}
