import type { AccountStats } from './relay-stats.js';

/** What an account row says about the account's state. */
export interface AccountState {
  readonly kind: 'usable' | 'cooling-down' | 'disabled' | 'at-capacity';
  readonly label: string;
  /** A disabled or cooling account can be put back into service from the console. */
  readonly canEnable: boolean;
}

/** The state of `account` as seen in a stats answer that arrived at `receivedAt` (ms since the epoch). */
export function accountState(account: AccountStats, receivedAt: number): AccountState {
  if (account.disabled !== false) {
    return { kind: 'disabled', label: `disabled because ${account.disabled}`, canEnable: true };
  }
  if (account.coolingDownForMs > 0) {
    const until = new Date(receivedAt + account.coolingDownForMs);
    const seconds = Math.ceil(account.coolingDownForMs / 1000);
    return {
      kind: 'cooling-down',
      label: `cooling down until ${clockTime(until)} (${seconds} s)`,
      canEnable: true,
    };
  }
  if (account.inFlight >= account.maxConcurrency)
    return { kind: 'at-capacity', label: 'at capacity', canEnable: false };
  return { kind: 'usable', label: 'usable', canEnable: false };
}

/** HH:MM:SS in the browser's time zone. */
export function clockTime(date: Date): string {
  return date.toLocaleTimeString('en-GB', { hour12: false });
}
