import { clusterSlot } from '@relay/internals';
import type { IndexedField } from '../session.js';

const indexTags: Record<IndexedField, string> = { userId: 'u', apiKeyId: 'k', accountId: 'a' };

/**
 * Key names under a prefix. Everything about one session carries the hash tag `{sessionId}`, so that its hash
 * and its affinity live in one Redis Cluster slot. A find-by index is split into buckets by session id; each
 * bucket carries a tag of its own (`{value:bucket}`), so that the buckets of a busy value spread over the Cluster.
 */
export class RedisKeys {
  readonly #prefix: string;
  readonly #buckets: Readonly<Record<IndexedField, number>>;
  /** The pub/sub channel on which hybrid stores announce changed sessions. */
  readonly channel: string;

  constructor(prefix: string, buckets: Readonly<Record<IndexedField, number>>) {
    this.#prefix = prefix;
    this.#buckets = buckets;
    this.channel = `${prefix}changes`;
  }

  session(id: string): string {
    return `${this.#prefix}s:{${id}}`;
  }

  affinity(sessionId: string): string {
    return `${this.#prefix}a:{${sessionId}}`;
  }

  /** The index bucket that holds (or would hold) `sessionId` under `value`. */
  index(field: IndexedField, value: string, sessionId: string): string {
    const buckets = this.#buckets[field];
    return this.#bucket(field, value, buckets === 1 ? 0 : clusterSlot(sessionId) % buckets);
  }

  /** Every bucket of the index of `value` (a find reads them all). */
  indexBuckets(field: IndexedField, value: string): string[] {
    return Array.from({ length: this.#buckets[field] }, (_, bucket) => this.#bucket(field, value, bucket));
  }

  #bucket(field: IndexedField, value: string, bucket: number): string {
    if (this.#buckets[field] === 1) return `${this.#prefix}i:${indexTags[field]}:{${value}}`;
    // The bucket number outside the tag too, so that no bucketed name can equal an unbucketed one.
    return `${this.#prefix}i:${indexTags[field]}${bucket}:{${value}:${bucket}}`;
  }
}
