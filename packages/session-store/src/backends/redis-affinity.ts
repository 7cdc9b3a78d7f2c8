import type { RedisCommand } from './redis-connection.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * One operation on an affinity key. Every affinity command either backend sends is built here, so that the
 * redis store's calls and the hybrid store's replayed batches cannot drift apart.
 */
export type AffinityOperation =
  /** Read, sliding the TTL. */
  | { readonly kind: 'read' }
  /** Set only if absent (atomic); the reply is the winning account. */
  | { readonly kind: 'claim'; readonly accountId: string }
  /** Set unconditionally. */
  | { readonly kind: 'set'; readonly accountId: string }
  /** Remove; the reply is 1 when there was one. */
  | { readonly kind: 'clear' }
  /** Refresh the TTL only. */
  | { readonly kind: 'slide' };

/** The command that performs `operation` on the affinity of `sessionId`. */
export function affinityCommand(
  keys: RedisKeys,
  sessionId: string,
  operation: AffinityOperation,
  ttlMs: number,
): RedisCommand {
  const key = keys.affinity(sessionId);
  switch (operation.kind) {
    case 'read':
      return ['getex', key, 'PX', ttlMs];
    case 'claim':
      return ['relayAffinityClaim', key, operation.accountId, ttlMs];
    case 'set':
      return ['set', key, operation.accountId, 'PX', ttlMs];
    case 'clear':
      return ['del', key];
    case 'slide':
      return ['pexpire', key, ttlMs];
  }
}
