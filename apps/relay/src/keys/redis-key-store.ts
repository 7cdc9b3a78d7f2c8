import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { ChannelSubscriber } from '../redis/channel-subscriber.js';
import { parseValidatedJson } from '../redis/validated-json.js';
import { type KeyRecord, keyIdSchema, keyRecordSchema, withoutLastUsed } from './key-record.js';
import type { KeyStore } from './key-store.js';

export interface RedisKeyStoreOptions {
  /** The relay's connection to its Redis deployment (standalone or Cluster): used, not closed. */
  redis: Redis | Cluster;
  /** `sessions.keyPrefix`: the keys live under it, with the hash tag `{keys}` so that Redis Cluster works. */
  keyPrefix: string;
  /** How often the change counter is read, to heal a change whose message was lost (default 5 s). */
  resyncIntervalMs?: number;
  /** A message or stored record that failed validation: dropped, never thrown. */
  onRejected?(reason: string): void;
  onError?(error: unknown): void;
}

// A change message names the key, nothing else: the receiver re-reads the record, so a forged message changes nothing.
const changeMessageSchema = z.object({ id: keyIdSchema });

// Every change: write, bump the change counter (read by the periodic resync), publish the id. All keys share one slot.
const createScript = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`;
const replaceScript = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return -1 end
if current ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;
const deleteScript = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;
const readOneScript = `
return { redis.call('HGET', KEYS[1], ARGV[1]), redis.call('HGET', KEYS[2], ARGV[1]) }
`;
const readAllScript = `
return { redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]) }
`;
const lastUsedScript = `
for index = 1, #ARGV, 2 do
  local id = ARGV[index]
  if redis.call('HEXISTS', KEYS[2], id) == 1 then
    local stored = tonumber(redis.call('HGET', KEYS[1], id) or '0') or 0
    if tonumber(ARGV[index + 1]) > stored then redis.call('HSET', KEYS[1], id, ARGV[index + 1]) end
  end
end
return 1
`;

// Replacing a record is optimistic (compare the JSON read, then swap): a writer that lost the race tries again.
const maxReplaceAttempts = 5;

/**
 * The key store on Redis: records in the hash `<prefix>{keys}:records` (id → JSON, the key's hash only), the
 * times of last use in `<prefix>{keys}:last-used`, a change counter `<prefix>{keys}:version`, and the channel
 * `<prefix>{keys}:changes` that carries the id of every changed key. Other instances learn a change from the
 * message (milliseconds), from a reload when their subscription reconnects, or, should a message be lost, from
 * the counter they read every `resyncIntervalMs` (one GET).
 */
export class RedisKeyStore implements KeyStore {
  readonly #redis: Redis | Cluster;
  readonly #options: RedisKeyStoreOptions;
  readonly #recordsKey: string;
  readonly #versionKey: string;
  readonly #lastUsedKey: string;
  readonly #channel: string;
  #subscriber: ChannelSubscriber | undefined;
  #resyncTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: RedisKeyStoreOptions) {
    this.#options = options;
    this.#redis = options.redis;
    this.#recordsKey = `${options.keyPrefix}{keys}:records`;
    this.#versionKey = `${options.keyPrefix}{keys}:version`;
    this.#lastUsedKey = `${options.keyPrefix}{keys}:last-used`;
    this.#channel = `${options.keyPrefix}{keys}:changes`;
  }

  async list(): Promise<KeyRecord[]> {
    const [records, lastUsed] = (await this.#redis.eval(readAllScript, 2, this.#recordsKey, this.#lastUsedKey)) as [
      string[],
      string[],
    ];
    const lastUsedById = new Map<string, string>();
    for (let index = 0; index + 1 < lastUsed.length; index += 2) {
      lastUsedById.set(lastUsed[index] as string, lastUsed[index + 1] as string);
    }
    const result: KeyRecord[] = [];
    for (let index = 0; index + 1 < records.length; index += 2) {
      const id = records[index] as string;
      const record = this.#parse(id, records[index + 1] as string, lastUsedById.get(id));
      if (record) result.push(record);
    }
    return result;
  }

  async get(id: string): Promise<KeyRecord | undefined> {
    const [encoded, lastUsed] = (await this.#redis.eval(readOneScript, 2, this.#recordsKey, this.#lastUsedKey, id)) as [
      string | null,
      string | null,
    ];
    return encoded === null ? undefined : this.#parse(id, encoded, lastUsed ?? undefined);
  }

  async create(record: KeyRecord): Promise<boolean> {
    const created = await this.#redis.eval(
      createScript,
      2,
      this.#recordsKey,
      this.#versionKey,
      record.id,
      JSON.stringify(withoutLastUsed(record)),
      this.#channel,
      changeMessage(record.id),
    );
    return created === 1;
  }

  async update(id: string, change: (current: KeyRecord) => KeyRecord): Promise<KeyRecord | undefined> {
    for (let attempt = 0; attempt < maxReplaceAttempts; attempt += 1) {
      const encoded = await this.#redis.hget(this.#recordsKey, id);
      if (encoded === null) return undefined;
      const current = this.#parse(id, encoded, undefined);
      if (!current) return undefined;
      const next = withoutLastUsed(change(current));
      const replaced = await this.#redis.eval(
        replaceScript,
        2,
        this.#recordsKey,
        this.#versionKey,
        id,
        encoded,
        JSON.stringify(next),
        this.#channel,
        changeMessage(id),
      );
      if (replaced === -1) return undefined;
      if (replaced === 1) return next;
    }
    throw new Error(`the key "${id}" kept changing while it was being updated: try again`);
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.#redis.eval(
      deleteScript,
      3,
      this.#recordsKey,
      this.#versionKey,
      this.#lastUsedKey,
      id,
      this.#channel,
      changeMessage(id),
    );
    return deleted === 1;
  }

  async recordLastUsed(times: ReadonlyMap<string, number>): Promise<void> {
    if (times.size === 0) return;
    const pairs = [...times].flatMap(([id, at]) => [id, String(Math.round(at))]);
    await this.#redis.eval(lastUsedScript, 2, this.#lastUsedKey, this.#recordsKey, ...pairs);
  }

  async watch(listener: (id: string | undefined) => void): Promise<void> {
    const subscriber = new ChannelSubscriber({
      redis: this.#redis,
      channel: this.#channel,
      onMessage: (message) => {
        const change = parseValidatedJson(changeMessageSchema, message, 'a key change', this.#options.onRejected);
        if (change) listener(change.id);
      },
      // Messages published while the subscription was down are lost: reload everything.
      onReady: () => listener(undefined),
      onError: (error) => this.#options.onError?.(error),
    });
    this.#subscriber = subscriber;
    let seenVersion: string | null | undefined;
    const resync = async () => {
      try {
        const version = await this.#redis.get(this.#versionKey);
        if (seenVersion !== undefined && version !== seenVersion) listener(undefined);
        seenVersion = version;
      } catch (error) {
        this.#options.onError?.(error);
      }
    };
    this.#resyncTimer = setInterval(() => void resync(), this.#options.resyncIntervalMs ?? 5_000);
    this.#resyncTimer.unref();
    await Promise.all([subscriber.subscribed, resync()]);
    if (this.#closed) this.#stop();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stop();
  }

  #stop(): void {
    clearInterval(this.#resyncTimer);
    this.#subscriber?.close();
    this.#subscriber = undefined;
  }

  #parse(id: string, encoded: string, lastUsed: string | undefined): KeyRecord | undefined {
    const record = parseValidatedJson(keyRecordSchema, encoded, 'a stored key record', this.#options.onRejected);
    if (!record) return undefined;
    if (record.id !== id) {
      this.#options.onRejected?.('a stored key record under another id');
      return undefined;
    }
    const lastUsedAt = lastUsed === undefined ? Number.NaN : Number(lastUsed);
    return (Number.isSafeInteger(lastUsedAt) && lastUsedAt > 0 ? { ...record, lastUsedAt } : record) as KeyRecord;
  }
}

function changeMessage(id: string): string {
  return JSON.stringify({ id });
}
