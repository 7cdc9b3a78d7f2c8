import { Cluster, type Redis } from 'ioredis';
import type { TypedEventEmitter } from '../typed-event-emitter.js';

/** Deletes every key under `prefix` (on every master of a Cluster), so that a suite leaves nothing behind. */
export async function deleteKeysWithPrefix(client: Redis | Cluster, prefix: string): Promise<void> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      // One key per DEL: in a Cluster the keys of one node still span many slots.
      await Promise.all(keys.map(async (key) => node.del(key)));
    } while (cursor !== '0');
  }
}

/** Resolves with the next payload of `event`, or rejects after `timeoutMs` (real I/O: generous timeouts). */
export async function nextEvent<Events extends object, Name extends keyof Events & string>(
  emitter: TypedEventEmitter<Events>,
  event: Name,
  timeoutMs = 20_000,
): Promise<Events[Name]> {
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}
