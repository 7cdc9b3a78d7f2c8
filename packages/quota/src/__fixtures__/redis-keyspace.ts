import { Cluster, type Redis } from 'ioredis';

/** Deletes every key under `prefix` (on every master of a Cluster), so that a suite leaves nothing behind. */
export async function deleteKeysWithPrefix(client: Redis | Cluster, prefix: string): Promise<void> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      await Promise.all(keys.map(async (key) => node.del(key)));
    } while (cursor !== '0');
  }
}
