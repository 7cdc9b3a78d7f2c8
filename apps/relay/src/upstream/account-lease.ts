import type { Account } from './account.js';

/**
 * One request's hold on an account's concurrency: taken synchronously when the account is chosen (so that
 * concurrent requests cannot all pass the capacity check before any of them counts), given back once with
 * `release()`, which may be called any number of times.
 */
export class AccountLease {
  readonly account: Account;
  #released = false;

  constructor(account: Account) {
    this.account = account;
    account.inFlight += 1;
  }

  get released(): boolean {
    return this.#released;
  }

  /** Gives the slot back; later calls do nothing. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.account.inFlight -= 1;
  }
}
