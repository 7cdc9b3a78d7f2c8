import { LRUCache } from 'lru-cache';

/**
 * Caps the sessions one client key keeps: each client's session ids in an LRU of `maxPerClient`; the least
 * recently used one past the cap is ended through `endSession` (the session store's public API), so that
 * one client cannot fill the store (and Redis) with sessions. Per process: N relays allow N times the cap.
 */
export class ClientSessionCap {
  readonly #perClient = new Map<string, LRUCache<string, true>>();

  constructor(
    readonly maxPerClient: number,
    /** Lifetime of a session id in the cap: the session store's TTL (an idle session expires there too). */
    readonly ttlMs: number,
    readonly endSession: (sessionId: string) => void,
  ) {}

  /** Notes that `clientId` uses `sessionId` now; may end that client's least recently used session. */
  touch(clientId: string, sessionId: string): void {
    let sessions = this.#perClient.get(clientId);
    if (!sessions) {
      sessions = new LRUCache<string, true>({
        max: this.maxPerClient,
        ttl: this.ttlMs,
        updateAgeOnGet: true,
        dispose: (_value, evictedId, reason) => {
          if (reason === 'evict') this.endSession(evictedId);
        },
      });
      this.#perClient.set(clientId, sessions);
    }
    if (!sessions.get(sessionId)) sessions.set(sessionId, true);
  }
}
