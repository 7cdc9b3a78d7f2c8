/** Whether a key with `expiresAt` (epoch ms; undefined: never) is expired at `now`: from `expiresAt` on, it is. */
export function isKeyExpired(expiresAt: number | undefined, now: number): boolean {
  return expiresAt !== undefined && now >= expiresAt;
}

/** The 401 message of an expired key. */
export function keyExpiredMessage(expiresAt: number): string {
  return `the client key expired at ${new Date(expiresAt).toISOString()}`;
}
