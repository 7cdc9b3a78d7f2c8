import type { ConnectionPool } from '@relay/connection-pool';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { StateFile } from '../auth/state-file.js';
import type { RelayConfig } from '../config/config-schema.js';
import { type CredentialVault, LocalCredentialVault, RedisCredentialVault } from '../oauth/credential-vault.js';
import { requestTokenRefresh } from '../oauth/token-endpoint.js';
import { OAuthTokenRefresher } from '../oauth/token-refresher.js';
import type { AccountRegistry } from '../upstream/account-registry.js';
import { SharedAccountState } from './shared-account-state.js';

export interface AccountServicesOptions {
  config: RelayConfig;
  accounts: AccountRegistry;
  /** The session store's Redis deployment; undefined with the memory store (one process, nothing shared). */
  redis: Redis | Cluster | undefined;
  pool: ConnectionPool;
  stateFile: StateFile;
  logger: Logger;
}

/** What runs beside the accounts: their shared state across instances and their OAuth token refreshers. */
export interface AccountServices {
  readonly shared: SharedAccountState | undefined;
  readonly refreshers: readonly OAuthTokenRefresher[];
  close(): Promise<void>;
}

/**
 * Starts the account services: with a Redis store, account state (cool-downs, disabled reasons, windows) is
 * shared through Redis and OAuth pairs live there; with the memory store, OAuth pairs are kept in the state
 * file. Resolves once every OAuth account's pair is read from (or seeded into) its vault; a refresh already
 * due runs in the background.
 */
export async function startAccountServices(options: AccountServicesOptions): Promise<AccountServices> {
  const { config, accounts, redis, pool, stateFile, logger } = options;
  let shared: SharedAccountState | undefined;
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
  }

  const vault: CredentialVault = redis
    ? new RedisCredentialVault(redis, config.sessions.keyPrefix)
    : new LocalCredentialVault((accountId, credentials) => stateFile.writeOAuthCredentials(accountId, credentials));
  const tokenUrl = config.upstream.oauth.tokenUrl;
  const tokenOrigin = new URL(tokenUrl).origin;
  const refreshers: OAuthTokenRefresher[] = [];
  for (const accountConfig of config.accounts) {
    if (!accountConfig.oauth) continue;
    const account = accounts.get(accountConfig.id);
    if (!account) continue;
    // With the memory store a pair refreshed by an earlier run is newer than the config's (whose refresh token is dead).
    const initial = (!redis && stateFile.readOAuthCredentials(account.id)) || accountConfig.oauth;
    const refresher = new OAuthTokenRefresher({
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
    account.tokenSource = refresher;
    refreshers.push(refresher);
  }
  await Promise.all(refreshers.map(async (refresher) => refresher.start()));

  return {
    shared,
    refreshers,
    close: async () => {
      for (const refresher of refreshers) refresher.close();
      await shared?.close();
    },
  };
}
