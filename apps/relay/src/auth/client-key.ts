import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const keyPrefix = 'relay_';

/** A new client key: `relay_` and 32 random bytes in base64url. Shown once; only its hash is kept. */
export function generateClientKey(): string {
  return `${keyPrefix}${randomBytes(32).toString('base64url')}`;
}

/** The hex SHA-256 of a client key: what the relay stores instead of the key. */
export function hashClientKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Compares two hex digests in constant time. */
export function digestsEqual(left: string, right: string): boolean {
  const leftBytes = Buffer.from(left, 'hex');
  const rightBytes = Buffer.from(right, 'hex');
  return leftBytes.length === rightBytes.length && timingSafeEqual(leftBytes, rightBytes);
}
