import type { CredentialVault, StoredCredentials } from './credential-vault.js';
import type { OAuthCredentials } from './oauth-credentials.js';
import { InvalidGrantError } from './token-endpoint.js';

export interface TokenRefresherOptions {
  accountId: string;
  vault: CredentialVault;
  /** The configured credentials: used to seed the vault on the very first start. */
  initial: OAuthCredentials;
  /** Calls the token endpoint (through the account's route). */
  refresh(refreshToken: string): Promise<OAuthCredentials>;
  /** Refresh this long before the access token expires. Default 5 min. */
  marginMs?: number;
  /** How long one instance may hold the refresh lock. Default 30 s (longer than the endpoint's timeout). */
  lockTtlMs?: number;
  /** The refresh token is dead: the account must be disabled with this reason. */
  onInvalidGrant(reason: string): void;
  /** A refresh that failed for another reason (tried again later); never carries a token. */
  onError?(error: unknown): void;
  /** A new access token is in use (this instance's refresh or another's). */
  onRefreshed?(expiresAt: number): void;
  now?: () => number;
}

const retryDelayMs = 5_000;
const pollMs = 100;

/**
 * Keeps one OAuth account's access token fresh. Refresh tokens rotate, so across every instance exactly one
 * refreshes at a time (the vault's lock, with a fencing token) and only once per expiry: the others find the
 * new pair in the vault and adopt it. Within a process, concurrent callers share one refresh (single flight).
 */
export class OAuthTokenRefresher {
  readonly accountId: string;
  readonly #options: TokenRefresherOptions;
  readonly #marginMs: number;
  readonly #lockTtlMs: number;
  readonly #now: () => number;
  #current: OAuthCredentials;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #dead = false;
  #closed = false;

  constructor(options: TokenRefresherOptions) {
    this.accountId = options.accountId;
    this.#options = options;
    this.#current = options.initial;
    this.#marginMs = options.marginMs ?? 5 * 60_000;
    this.#lockTtlMs = options.lockTtlMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /** The access token to send now. */
  get accessToken(): string {
    return this.#current.accessToken;
  }

  get expiresAt(): number {
    return this.#current.expiresAt;
  }

  /** Takes the vault's pair (seeding it on the first start) and schedules the refresh (at once when due). */
  async start(): Promise<void> {
    try {
      this.#adopt(await this.#options.vault.seed(this.accountId, this.#current));
    } catch (error) {
      this.#options.onError?.(error);
      this.#schedule(retryDelayMs);
      return;
    }
    // A token already due is refreshed in the background: the relay listens meanwhile (a request with the
    // old token that gets a 401 waits for this same refresh).
    if (this.#isFresh(this.#current)) this.#scheduleBeforeExpiry();
    else void this.refresh();
  }

  /** Refreshes now unless a refresh is already under way; resolves when the token is fresh (or cannot be). */
  refresh(): Promise<void> {
    if (this.#dead || this.#closed) return Promise.resolve();
    this.#inFlight ??= this.#refreshOnce().finally(() => {
      this.#inFlight = undefined;
      if (!this.#dead && !this.#closed) this.#scheduleBeforeExpiry();
    });
    return this.#inFlight;
  }

  /**
   * The upstream answered 401 to `usedToken`. Resolves to true when a different, fresh token is now in use
   * (the request may be tried again with it), false when the token was already fresh: then the credential
   * itself is bad.
   */
  async onUnauthorized(usedToken: string): Promise<boolean> {
    if (usedToken !== this.#current.accessToken) return true;
    const refreshedAt = this.#current.accessToken;
    await this.refresh();
    return this.#current.accessToken !== refreshedAt;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  async #refreshOnce(): Promise<void> {
    const { vault, accountId } = this.#options;
    let fence: number | undefined;
    try {
      fence = await vault.lock(accountId, this.#lockTtlMs);
      if (fence === undefined) {
        await this.#awaitOtherRefresh();
        return;
      }
      const stored = await vault.read(accountId);
      // Another instance refreshed since this one last looked: use its pair, do not spend the refresh token.
      if (stored && stored.accessToken !== this.#current.accessToken && this.#isFresh(stored)) {
        this.#adopt(stored);
        return;
      }
      const base = stored ?? this.#current;
      let fresh: OAuthCredentials;
      try {
        fresh = await this.#options.refresh(base.refreshToken);
      } catch (error) {
        if (!(error instanceof InvalidGrantError)) throw error;
        // A refresh that lost its lock may have rotated the token meanwhile: that is not a dead account.
        const again = await vault.read(accountId);
        if (again && again.refreshToken !== base.refreshToken) {
          this.#adopt(again);
          return;
        }
        this.#dead = true;
        this.#options.onInvalidGrant('the OAuth refresh token was refused (invalid_grant): log in again');
        return;
      }
      if (await vault.write(accountId, fresh, fence)) this.#adopt(fresh);
      else {
        const newer = await vault.read(accountId);
        if (newer) this.#adopt(newer);
      }
    } catch (error) {
      this.#options.onError?.(error);
    } finally {
      if (fence !== undefined) await vault.unlock(accountId, fence).catch(() => {});
    }
  }

  async #awaitOtherRefresh(): Promise<void> {
    const deadline = this.#now() + this.#lockTtlMs;
    const before = this.#current.accessToken;
    while (this.#now() < deadline && !this.#closed) {
      const stored = await this.#options.vault.read(this.accountId);
      if (stored && stored.accessToken !== before) {
        this.#adopt(stored);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  #isFresh(credentials: OAuthCredentials): boolean {
    return credentials.expiresAt - this.#now() > this.#marginMs;
  }

  #adopt(credentials: StoredCredentials | OAuthCredentials): void {
    const changed = credentials.accessToken !== this.#current.accessToken;
    this.#current = {
      accessToken: credentials.accessToken,
      refreshToken: credentials.refreshToken,
      expiresAt: credentials.expiresAt,
    };
    if (changed) this.#options.onRefreshed?.(credentials.expiresAt);
  }

  #scheduleBeforeExpiry(): void {
    const due = this.#current.expiresAt - this.#marginMs - this.#now();
    // Past due means the last refresh failed and left the old token: try again soon, not in a tight loop.
    this.#schedule(due > 0 ? due : retryDelayMs);
  }

  #schedule(delayMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#closed || this.#dead) return;
    this.#timer = setTimeout(() => void this.refresh(), Math.min(Math.max(0, delayMs), 2 ** 31 - 1));
    this.#timer.unref();
  }
}
