import type { AccountConfig } from '../config/config-schema.js';
import { Account } from './account.js';
import { AccountLease } from './account-lease.js';
import type { UpstreamVerdict } from './upstream-verdict.js';

// 529 / 5xx: the first cool-down is short and doubles with each consecutive failure, up to the cap.
const shortCoolDownMs = 2_000;
const maximumCoolDownMs = 60_000;

/** Tells whether an account's route (origin + proxy) is open in the connection pool's breaker. */
export type RouteCheck = (account: Account) => boolean;

/** The upstream accounts: which one takes a request, and what an answer does to an account. */
export class AccountRegistry {
  readonly accounts: readonly Account[];
  readonly #byId: Map<string, Account>;

  constructor(
    configs: readonly AccountConfig[],
    readonly isRouteUsable: RouteCheck = () => true,
  ) {
    this.accounts = configs.map((config) => new Account(config));
    this.#byId = new Map(this.accounts.map((account) => [account.id, account]));
  }

  get(id: string | undefined): Account | undefined {
    return id === undefined ? undefined : this.#byId.get(id);
  }

  /** True when the account can take a request now. */
  isUsable(account: Account, now = Date.now()): boolean {
    return account.unavailableReason(now) === undefined && this.isRouteUsable(account);
  }

  /**
   * The account for a request: the affine one if it is usable, else the best usable one (lowest priority
   * number, then least loaded), never one in `excluded`. Undefined when none is usable.
   */
  choose(affineId: string | undefined, excluded: ReadonlySet<string>, now = Date.now()): Account | undefined {
    const affine = this.get(affineId);
    if (affine && !excluded.has(affine.id) && this.isUsable(affine, now)) return affine;
    let best: Account | undefined;
    for (const account of this.accounts) {
      if (excluded.has(account.id) || !this.isUsable(account, now)) continue;
      if (
        !best ||
        account.priority < best.priority ||
        (account.priority === best.priority && account.load < best.load)
      ) {
        best = account;
      }
    }
    return best;
  }

  /**
   * Chooses an account as `choose` does and takes a lease on it at once, in the same synchronous step, so
   * that requests racing for the last slot cannot overshoot `maxConcurrency`. Undefined when none is usable.
   */
  acquire(affineId: string | undefined, excluded: ReadonlySet<string>, now = Date.now()): AccountLease | undefined {
    const account = this.choose(affineId, excluded, now);
    return account ? new AccountLease(account) : undefined;
  }

  /** A lease on this very account, when it is usable now. */
  acquireAccount(account: Account, now = Date.now()): AccountLease | undefined {
    return this.isUsable(account, now) ? new AccountLease(account) : undefined;
  }

  /** Applies an upstream verdict to the account that got it. */
  record(account: Account, verdict: UpstreamVerdict, now = Date.now()): void {
    account.requests += 1;
    switch (verdict.kind) {
      case 'ok':
      case 'request-fault':
        account.consecutiveFailures = 0;
        return;
      case 'transient':
        return;
      case 'rate-limited':
        account.failures += 1;
        account.coolingUntil = Math.max(account.coolingUntil, verdict.coolDownUntil);
        return;
      case 'overloaded':
      case 'server-error':
        account.failures += 1;
        this.#backOff(account, now);
        return;
      case 'credential-suspect':
        // Not disabled on the word of one answer: the forwarder probes the credential first (`disable`).
        account.failures += 1;
        return;
    }
  }

  /** Disables an account whose credential a probe confirmed bad, until an admin re-enables it. */
  disableForCredential(account: Account): void {
    account.disabledReason =
      'the upstream rejected its credential (401, confirmed by a probe); re-enable it through the admin API';
  }

  #backOff(account: Account, now: number): void {
    account.consecutiveFailures += 1;
    account.coolingUntil = Math.max(
      account.coolingUntil,
      now + Math.min(maximumCoolDownMs, shortCoolDownMs * 2 ** (account.consecutiveFailures - 1)),
    );
  }

  /** Records a request that never got an answer (connection error, timeout): counted; the pool's breaker decides. */
  recordConnectionFailure(account: Account): void {
    account.requests += 1;
    account.failures += 1;
  }

  /**
   * Records a failure of a request already counted by `record`: its answer broke off midway (reset, stall,
   * truncation, an unreadable event, an `error` event). Counted as a mid-stream reset always was; an answer
   * whose first event never came (`backOff`) also rests the account, as after a 5xx, since it is not answering.
   */
  recordBrokenAnswer(account: Account, options: { backOff?: boolean } = {}, now = Date.now()): void {
    account.failures += 1;
    if (options.backOff) this.#backOff(account, now);
  }

  /** Clears a disabled flag and cool-down (an admin's decision). */
  enable(id: string): boolean {
    const account = this.get(id);
    if (!account) return false;
    account.disabledReason = undefined;
    account.coolingUntil = 0;
    account.consecutiveFailures = 0;
    return true;
  }

  /** Milliseconds until some account may be usable again (for `retry-after`), at least 1 s. */
  millisecondsUntilAvailable(now = Date.now()): number {
    const coolDowns = this.accounts
      .filter((account) => !account.disabledReason)
      .map((account) => account.coolingUntil - now)
      .filter((remaining) => remaining > 0);
    return Math.max(1000, coolDowns.length > 0 ? Math.min(...coolDowns) : 1000);
  }

  /** True when at least one account could take a request now. */
  hasUsableAccount(now = Date.now()): boolean {
    return this.accounts.some((account) => this.isUsable(account, now));
  }
}
