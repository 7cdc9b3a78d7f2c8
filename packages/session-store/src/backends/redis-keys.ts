import type { IndexedField } from '../session.js';

const indexTags: Record<IndexedField, string> = { userId: 'u', apiKeyId: 'k', accountId: 'a' };

/**
 * Key names under a prefix. Everything about one session carries the hash tag `{sessionId}`, so that its hash
 * and its affinity live in one Redis Cluster slot; each index carries the tag of the value it indexes.
 */
export class RedisKeys {
  readonly #prefix: string;
  /** The pub/sub channel on which hybrid stores announce changed sessions. */
  readonly channel: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
    this.channel = `${prefix}changes`;
  }

  session(id: string): string {
    return `${this.#prefix}s:{${id}}`;
  }

  affinity(sessionId: string): string {
    return `${this.#prefix}a:{${sessionId}}`;
  }

  index(field: IndexedField, value: string): string {
    return `${this.#prefix}i:${indexTags[field]}:{${value}}`;
  }
}
