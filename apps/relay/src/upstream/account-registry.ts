import { LRUCache } from 'lru-cache';
import type { AccountConfig } from '../config/config-schema.js';
import { chooseAccountForNewSession } from '../scheduling/account-scheduler.js';
import type { SharedAccountFacts, SharedAccountState } from '../scheduling/shared-account-state.js';
import { readUsageWindows } from '../scheduling/usage-windows.js';
import { decideWindowRead, glanceAtRateLimitHeaders } from '../scheduling/window-read-gate.js';
import { Account } from './account.js';
import { AccountLease } from './account-lease.js';
import type { UpstreamVerdict } from './upstream-verdict.js';

// 529 / 5xx: the first cool-down is short and doubles with each consecutive failure, up to the cap.
const shortCoolDownMs = 2_000;
const maximumCoolDownMs = 60_000;

// Attempts in a row that got no answer at all before the account itself rests (the route's breaker cannot tell
// one bad account from the healthy ones sharing its route).
const connectionFailuresBeforeBackOff = 2;

/** Tells whether an account's route (origin + proxy) is open in the connection pool's breaker. */
export type RouteCheck = (account: Account) => boolean;

export interface AccountRegistryOptions {
  /** How long a session stays bound to its account after its last request (the affinity TTL), ms. */
  sessionBindingMs?: number;
  /** Most bound sessions remembered per process. */
  maxBoundSessions?: number;
  /** [0, 1) for the scheduler's tie-break. Default Math.random. */
  random?: () => number;
}

/** The upstream accounts: which one takes a request, and what an answer does to an account. */
export class AccountRegistry {
  // Replaced, never changed in place, when accounts are added or removed: a loop over it is never disturbed.
  #accounts: readonly Account[];
  readonly #byId: Map<string, Account>;
  readonly #random: () => number;
  readonly #usable: Account[] = [];
  // Session id → account it is bound to: expiry and eviction unbind it, so bound counts do not drift.
  readonly #bindings: LRUCache<string, Account>;
  #shared: SharedAccountState | undefined;

  constructor(
    configs: readonly AccountConfig[],
    readonly isRouteUsable: RouteCheck = () => true,
    options: AccountRegistryOptions = {},
  ) {
    this.#accounts = configs.map((config) => new Account(config));
    this.#byId = new Map(this.#accounts.map((account) => [account.id, account]));
    this.#random = options.random ?? Math.random;
    this.#bindings = new LRUCache<string, Account>({
      max: options.maxBoundSessions ?? 100_000,
      ttl: options.sessionBindingMs ?? 30 * 60_000,
      // A session in use stays bound: every request on it refreshes its binding (`bindSession`).
      updateAgeOnGet: true,
      dispose: (account: Account) => {
        account.addLocalBoundSessions(-1);
      },
    });
  }

  /** The accounts requests may be given to now. */
  get accounts(): readonly Account[] {
    return this.#accounts;
  }

  /**
   * Adds an account (a config reload): new sessions may be given to it from the next choice on. Throws when
   * an account with its id is registered.
   */
  add(account: Account): void {
    if (this.#byId.has(account.id)) throw new Error(`an account "${account.id}" is registered`);
    this.#byId.set(account.id, account);
    this.#accounts = [...this.#accounts, account];
  }

  /**
   * Takes a reloaded config of a registered account (`Account.reconfigure`): its priority and cap count from
   * the next choice, its proxy and credential from the next request. Undefined when there is no such account.
   */
  update(config: AccountConfig): Account | undefined {
    const account = this.#byId.get(config.id);
    account?.reconfigure(config);
    return account;
  }

  /**
   * Removes an account (a config reload): it gets no new request or session from now on, and the sessions bound
   * to it move on their next request, as when an account becomes unusable. A request in flight keeps the
   * account object it holds until it ends. Undefined when there was none.
   */
  remove(id: string): Account | undefined {
    const account = this.#byId.get(id);
    if (!account) return undefined;
    this.#byId.delete(id);
    this.#accounts = this.#accounts.filter((candidate) => candidate !== account);
    return account;
  }

  /** Shares every cool-down, disable, enable and window change with the other instances from now on. */
  share(shared: SharedAccountState): void {
    this.#shared = shared;
  }

  /** Applies what another instance (or Redis, after an outage) knows about an account. */
  applyShared(accountId: string, facts: SharedAccountFacts): void {
    const account = this.get(accountId);
    if (!account) return;
    if (facts.coolingUntil !== account.coolingUntil) {
      account.coolingUntil = facts.coolingUntil;
      if (facts.coolingUntil > Date.now()) account.coolingReason ??= 'seen by another instance';
    }
    account.disabledReason = facts.disabledReason;
    if (facts.windows) account.observeWindows(facts.windows);
  }

  get(id: string | undefined): Account | undefined {
    return id === undefined ? undefined : this.#byId.get(id);
  }

  /** True when the account can take a request now. */
  isUsable(account: Account, now = Date.now()): boolean {
    return account.unavailableReason(now) === undefined && this.isRouteUsable(account);
  }

  /**
   * The account for a request: the affine one if it is usable (the prompt cache lives there), else the
   * scheduler's choice among the usable ones (`chooseAccountForNewSession`: priority, then window headroom,
   * then bound sessions and load, random among equals), never one in `excluded`. Undefined when none is usable.
   */
  choose(affineId: string | undefined, excluded: ReadonlySet<string>, now = Date.now()): Account | undefined {
    const affine = this.get(affineId);
    if (affine && !excluded.has(affine.id) && this.isUsable(affine, now)) return affine;
    // The usable accounts are written over one array kept for every choice (choose is synchronous) and never
    // emptied (V8 frees the storage of an array set to length 0): no allocation per new session.
    const accounts = this.#accounts;
    const usable = this.#usable;
    const checkExcluded = excluded.size > 0;
    let count = 0;
    for (let index = 0; index < accounts.length; index += 1) {
      const account = accounts[index] as Account;
      if ((checkExcluded && excluded.has(account.id)) || !this.isUsable(account, now)) continue;
      account.assess(now);
      usable[count] = account;
      count += 1;
    }
    // Every account usable, the common case: the list itself.
    if (count === accounts.length) return chooseAccountForNewSession(accounts, this.#random);
    usable.length = count;
    return chooseAccountForNewSession(usable, this.#random);
  }

  /** The session is bound to this account now (a claim, a move, or one more request): counted until it expires. */
  bindSession(sessionId: string, account: Account): void {
    const previous = this.#bindings.get(sessionId);
    if (previous === account) return;
    // set() disposes the previous binding (its account's count goes down).
    account.addLocalBoundSessions(1);
    this.#bindings.set(sessionId, account);
  }

  /** This process's bound sessions per account (what it shares with the other instances). */
  localBoundSessionCounts(): Map<string, number> {
    return new Map(this.#accounts.map((account) => [account.id, account.localBoundSessions]));
  }

  /** Applies the sessions the other live instances bound, per account (an account missing has none there). */
  applyOtherBoundSessions(others: ReadonlyMap<string, number>): void {
    for (const account of this.#accounts) account.setOtherBoundSessions(others.get(account.id) ?? 0);
  }

  /**
   * Reads the usage windows an answer carries (looked at on every answer, not only 429s): a rejected window cools
   * the account until its reset, a warning or a low remaining budget lowers its score. Parsed when the gate says
   * so (`decideWindowRead`: at once on a 429, a rejected window or a changed status, else once a second).
   */
  observeAnswer(
    account: Account,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    now = Date.now(),
  ): void {
    account.consecutiveConnectionFailures = 0;
    const glance = glanceAtRateLimitHeaders(statusCode, headers);
    if (decideWindowRead(glance, account.lastWindowRead, now) !== 'read') return;
    account.lastWindowRead = {
      at: now,
      unifiedStatus: glance.unifiedStatus,
      fiveHourStatus: glance.fiveHourStatus,
      sevenDayStatus: glance.sevenDayStatus,
    };
    const windows = readUsageWindows(headers, now);
    if (!windows) return;
    account.observeWindows(windows);
    const blockedUntil = account.assessment(now).blockedUntil;
    if (blockedUntil !== undefined && blockedUntil > account.coolingUntil) {
      this.#coolDown(account, blockedUntil, `window ${account.assessment(now).binding ?? 'unified'} used up`);
    }
    this.#shared?.observeWindows(account.id, windows, now);
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
        this.#coolDown(account, verdict.coolDownUntil, 'rate-limited');
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
    this.disable(
      account,
      'the upstream rejected its credential (401, confirmed by a probe); re-enable it through the admin API',
    );
  }

  /** Disables an account with a reason (shown in admin views), on every instance. */
  disable(account: Account, reason: string): void {
    account.disabledReason = reason;
    this.#shared?.disable(account.id, reason);
  }

  #coolDown(account: Account, untilMs: number, reason: string): void {
    if (untilMs <= account.coolingUntil) return;
    account.coolingUntil = untilMs;
    account.coolingReason = reason;
    this.#shared?.coolDown(account.id, untilMs);
  }

  #backOff(account: Account, now: number, reason = 'backoff after failures'): void {
    account.consecutiveFailures += 1;
    this.#coolDown(
      account,
      now + Math.min(maximumCoolDownMs, shortCoolDownMs * 2 ** (account.consecutiveFailures - 1)),
      reason,
    );
  }

  /**
   * Records a request that never got an answer (connection error, timeout before headers). The pool's breaker
   * judges the route; the account itself rests after a few in a row, so that one account whose requests are
   * reset is not every new session's first try while healthy accounts on its route keep the breaker closed.
   */
  recordConnectionFailure(account: Account, now = Date.now()): void {
    account.requests += 1;
    account.failures += 1;
    account.consecutiveConnectionFailures += 1;
    if (account.consecutiveConnectionFailures >= connectionFailuresBeforeBackOff) {
      this.#backOff(account, now, 'connection failures');
    }
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
    account.coolingReason = undefined;
    account.consecutiveFailures = 0;
    account.consecutiveConnectionFailures = 0;
    this.#shared?.enable(id);
    return true;
  }

  /** Milliseconds until some account may be usable again (for `retry-after`), at least 1 s. */
  millisecondsUntilAvailable(now = Date.now()): number {
    const coolDowns = this.#accounts
      .filter((account) => !account.disabledReason)
      .map((account) => account.coolingUntil - now)
      .filter((remaining) => remaining > 0);
    return Math.max(1000, coolDowns.length > 0 ? Math.min(...coolDowns) : 1000);
  }

  /** Every account's admin view at `now`, with its route's breaker state. */
  views(now = Date.now()): Array<Record<string, unknown>> {
    return this.accounts.map((account) => account.toJSON(now, !this.isRouteUsable(account)));
  }

  /** True when at least one account could take a request now. */
  hasUsableAccount(now = Date.now()): boolean {
    return this.#accounts.some((account) => this.isUsable(account, now));
  }
}
