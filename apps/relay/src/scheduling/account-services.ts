import type { ConnectionPool } from '@relay/connection-pool';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { StateFile } from '../auth/state-file.js';
import type { AccountChange } from '../config/config-diff.js';
import type { AccountConfig, RelayConfig } from '../config/config-schema.js';
import { type CredentialVault, LocalCredentialVault, RedisCredentialVault } from '../oauth/credential-vault.js';
import type { OAuthCredentials } from '../oauth/oauth-credentials.js';
import { offerCredentials } from '../oauth/offer-credentials.js';
import { requestTokenRefresh } from '../oauth/token-endpoint.js';
import { OAuthTokenRefresher } from '../oauth/token-refresher.js';
import { Account } from '../upstream/account.js';
import type { AccountRegistry } from '../upstream/account-registry.js';
import { SharedAccountState } from './shared-account-state.js';
import { SharedBoundSessions } from './shared-bound-sessions.js';

export interface AccountServicesOptions {
  config: RelayConfig;
  accounts: AccountRegistry;
  /** The session store's Redis deployment; undefined with the memory store (one process, nothing shared). */
  redis: Redis | Cluster | undefined;
  pool: ConnectionPool;
  stateFile: StateFile;
  logger: Logger;
}

/**
 * What runs beside the accounts: their shared state and bound-session counts across instances, and their OAuth
 * token refreshers.
 */
export interface AccountServices {
  readonly shared: SharedAccountState | undefined;
  readonly refreshers: readonly OAuthTokenRefresher[];
  /**
   * Adds an account of a reloaded config with what it needs (its OAuth refresher started first, so that its
   * first request already has the vault's token; then its shared state), and returns it.
   */
  addAccount(config: AccountConfig): Promise<Account>;
  /**
   * Applies a reloaded config to a registered account. A changed credential gets a refresher of its own (a new
   * OAuth pair) or none (an API key) before the next request uses it, and re-enables an account disabled for
   * its old credential. Undefined when there is no such account.
   */
  updateAccount(config: AccountConfig, changed: readonly AccountChange[]): Promise<Account | undefined>;
  /** Removes an account and stops its refresher; its requests in flight end on the credential they hold. */
  removeAccount(accountId: string): void;
  close(): Promise<void>;
}

/**
 * Starts the account services: with a Redis store, account state (cool-downs, disabled reasons, windows) and
 * bound-session counts are shared through Redis and OAuth pairs live there; with the memory store, OAuth pairs are kept in the state
 * file. Resolves once every OAuth account's pair is read from (or seeded into) its vault; a refresh already
 * due runs in the background.
 */
export async function startAccountServices(options: AccountServicesOptions): Promise<AccountServices> {
  const { config, accounts, redis, pool, stateFile, logger } = options;
  let shared: SharedAccountState | undefined;
  let boundSessions: SharedBoundSessions | undefined;
  if (redis) {
    shared = new SharedAccountState({
      redis,
      keyPrefix: config.sessions.keyPrefix,
      accountIds: accounts.accounts.map((account) => account.id),
      apply: (accountId, facts) => accounts.applyShared(accountId, facts),
      onRejected: (reason) => logger.warn({ reason }, 'dropped an account state message from Redis'),
      onError: () => {},
    });
    await shared.start();
    accounts.share(shared);
    boundSessions = new SharedBoundSessions({
      redis,
      keyPrefix: config.sessions.keyPrefix,
      isKnown: (accountId) => accounts.get(accountId) !== undefined,
      localCounts: () => accounts.localBoundSessionCounts(),
      apply: (others) => accounts.applyOtherBoundSessions(others),
      onRejected: (reason) => logger.warn({ reason }, 'dropped bound-session counts from Redis'),
      onError: () => {},
    });
    await boundSessions.start();
  }

  const vault: CredentialVault = redis
    ? new RedisCredentialVault(redis, config.sessions.keyPrefix)
    : new LocalCredentialVault((accountId, credentials) => stateFile.writeOAuthCredentials(accountId, credentials));
  const tokenUrl = config.upstream.oauth.tokenUrl;
  const tokenOrigin = new URL(tokenUrl).origin;
  const refreshers = new Map<string, OAuthTokenRefresher>();
  const createRefresher = (account: Account, initial: OAuthCredentials) =>
    new OAuthTokenRefresher({
      accountId: account.id,
      vault,
      initial,
      marginMs: config.upstream.oauth.refreshMarginMs,
      refresh: async (refreshToken) =>
        requestTokenRefresh({
          tokenUrl,
          clientId: config.upstream.oauth.clientId,
          refreshToken,
          dispatcher: pool.get(tokenOrigin, { proxy: account.proxy }),
        }),
      onInvalidGrant: (reason) => {
        accounts.disable(account, reason);
        logger.warn({ account: account.id }, 'account disabled: its OAuth refresh token was refused (invalid_grant)');
      },
      onError: (error) =>
        logger.warn({ account: account.id, error: (error as Error).name }, 'OAuth token refresh failed (will retry)'),
      onRefreshed: (expiresAt) =>
        logger.info({ account: account.id, expiresAt: new Date(expiresAt).toISOString() }, 'OAuth access token in use'),
    });
  for (const accountConfig of config.accounts) {
    if (!accountConfig.oauth) continue;
    const account = accounts.get(accountConfig.id);
    if (!account) continue;
    // With the memory store a pair refreshed by an earlier run is newer than the config's (whose refresh token is dead).
    const initial = (!redis && stateFile.readOAuthCredentials(account.id)) || accountConfig.oauth;
    const refresher = createRefresher(account, initial);
    account.tokenSource = refresher;
    refreshers.set(account.id, refresher);
  }
  await Promise.all([...refreshers.values()].map(async (refresher) => refresher.start()));

  // A reloaded config's pair goes to the vault if it is newer than what the vault (or, with the memory store,
  // the state file) holds: the operator logged the account in again. The refresher then takes the vault's pair.
  const startReloadedRefresher = async (account: Account, pair: OAuthCredentials): Promise<OAuthTokenRefresher> => {
    const remembered = redis ? undefined : stateFile.readOAuthCredentials(account.id);
    if (remembered) await vault.seed(account.id, remembered);
    await offerCredentials(vault, account.id, pair).catch((error: unknown) =>
      logger.warn({ account: account.id, error: (error as Error).name }, 'could not store the reloaded OAuth pair'),
    );
    const refresher = createRefresher(account, pair);
    await refresher.start();
    return refresher;
  };

  return {
    shared,
    get refreshers() {
      return [...refreshers.values()];
    },
    addAccount: async (accountConfig) => {
      const account = new Account(accountConfig);
      if (accountConfig.oauth) {
        const refresher = await startReloadedRefresher(account, accountConfig.oauth);
        account.tokenSource = refresher;
        refreshers.set(account.id, refresher);
      }
      accounts.add(account);
      await shared?.addAccount(account.id);
      return account;
    },
    updateAccount: async (accountConfig, changed) => {
      const account = accounts.get(accountConfig.id);
      if (!account) return undefined;
      if (!changed.includes('credential') && !changed.includes('oauth')) {
        accounts.update(accountConfig);
        return account;
      }
      const refresher = accountConfig.oauth ? await startReloadedRefresher(account, accountConfig.oauth) : undefined;
      // The account may have been removed by a later reload while the refresher started.
      if (accounts.get(account.id) !== account) {
        refresher?.close();
        return undefined;
      }
      refreshers.get(account.id)?.close();
      if (refresher) refreshers.set(account.id, refresher);
      else refreshers.delete(account.id);
      // Credential and token source change together: the next request sends the new credential.
      account.tokenSource = refresher;
      accounts.update(accountConfig);
      if (account.disabledReason) {
        accounts.enable(account.id);
        logger.info({ account: account.id }, 'account re-enabled: its credential changed');
      }
      return account;
    },
    removeAccount: (accountId) => {
      accounts.remove(accountId);
      refreshers.get(accountId)?.close();
      refreshers.delete(accountId);
      shared?.removeAccount(accountId);
    },
    close: async () => {
      for (const refresher of refreshers.values()) refresher.close();
      await boundSessions?.close();
      await shared?.close();
    },
  };
}
