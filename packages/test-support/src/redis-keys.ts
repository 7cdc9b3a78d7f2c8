import { Cluster, Redis } from 'ioredis';

/**
 * Deletes every key under `prefix` (SCAN + UNLINK, on every master of a Cluster), so that a suite or a bench
 * scenario leaves a shared Redis as it found it. Takes a client it does not close, or a URL it connects to
 * for the call. Returns how many keys it deleted.
 */
export async function deleteKeys(target: Redis | Cluster | string, prefix: string): Promise<number> {
  const client =
    typeof target === 'string' ? new Redis(target, { lazyConnect: true, maxRetriesPerRequest: 1 }) : target;
  let deleted = 0;
  try {
    const nodes = client instanceof Cluster ? client.nodes('master') : [client];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        // One key per UNLINK: in a Cluster the keys of one node still span many slots.
        await Promise.all(keys.map(async (key) => node.unlink(key)));
        deleted += keys.length;
      } while (cursor !== '0');
    }
  } finally {
    if (typeof target === 'string') client.disconnect();
  }
  return deleted;
}
