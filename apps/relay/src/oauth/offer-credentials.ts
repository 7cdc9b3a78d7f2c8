import type { CredentialVault } from './credential-vault.js';
import type { OAuthCredentials } from './oauth-credentials.js';

/**
 * Puts a pair that a reloaded config gives into the vault when it expires later than the vault's (the operator
 * logged the account in again), under the vault's refresh lock. A pair that is not newer is left alone: another
 * instance may have refreshed it since, and refresh tokens rotate, so the config's would be dead. Resolves to
 * true when the pair was written; false when it was not newer or a refresh held the lock.
 */
export async function offerCredentials(
  vault: CredentialVault,
  accountId: string,
  credentials: OAuthCredentials,
  lockTtlMs = 30_000,
): Promise<boolean> {
  const fence = await vault.lock(accountId, lockTtlMs);
  if (fence === undefined) return false;
  try {
    const stored = await vault.read(accountId);
    if (stored && stored.expiresAt >= credentials.expiresAt) return false;
    return await vault.write(accountId, credentials, fence);
  } finally {
    await vault.unlock(accountId, fence).catch(() => {});
  }
}
