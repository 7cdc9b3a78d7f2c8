import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';

/**
 * The sessions bound to each account summed over every live instance, so that the scheduler of one instance
 * weighs the sessions the others put on an account. Amortised, never a Redis command per request: each instance
 * keeps its own counts in memory, and a timer (`checkIntervalMs`) compares them with what it last published; it
 * publishes its counts in one hash field of its own and reads the others' in the same script, every
 * `publishIntervalMs`, or sooner when its counts moved by `changeThreshold` sessions or more (at most once per
 * `checkIntervalMs`). Each field carries an expiry in Redis's own clock (no skew between machines): a field not
 * refreshed within `ttlMs`, an instance that died, is ignored and removed by the next instance that reads.
 */
export interface SharedBoundSessionsOptions {
  /** A connection of the session store's Redis deployment (standalone or Cluster); used, not closed. */
  redis: Redis | Cluster;
  /** The store's key prefix: the counts live under it, with the `{accounts}` hash tag so Cluster works. */
  keyPrefix: string;
  /** This instance's field; a random id by default (every process is an instance). */
  instanceId?: string;
  /** True for an account registered now (accounts come and go with config reloads): others' counts are ignored. */
  isKnown(accountId: string): boolean;
  /** This instance's bound sessions per account now (read on every check: keep it cheap). */
  localCounts(): ReadonlyMap<string, number>;
  /** Applies the sum over the other live instances; an account missing from it has none there. */
  apply(others: ReadonlyMap<string, number>): void;
  /** How often local counts are compared with the last published, ms (no Redis). Default 250. */
  checkIntervalMs?: number;
  /** Longest between two publications (and reads of the others), ms. Default 2000. */
  publishIntervalMs?: number;
  /**
   * Sessions bound or unbound since the last publication that publish at once. Default 256: a publication is
   * five commands, so a burst of new sessions costs at most 0.02 commands per session.
   */
  changeThreshold?: number;
  /** How long a published field counts without being refreshed, ms. Default 3 × publishIntervalMs. */
  ttlMs?: number;
  /** A field that failed validation: dropped, never thrown. */
  onRejected?(reason: string): void;
  /** A Redis command that failed: the next check tries again. */
  onError?(error: unknown): void;
}

/** Whether an instance publishes its bound-session counts now (pure, for the table test). */
export function shouldPublishBoundSessions(input: {
  /** Sum over accounts of |now − last published|. */
  moved: number;
  /** Ms since the last publication; undefined before the first. */
  sinceLastMs: number | undefined;
  publishIntervalMs: number;
  changeThreshold: number;
}): boolean {
  if (input.sinceLastMs === undefined) return true;
  if (input.sinceLastMs >= input.publishIntervalMs || input.sinceLastMs < 0) return true;
  return input.moved >= input.changeThreshold;
}

// A field's value: "<expiry, Redis ms>:<JSON {account: count}>". One script writes this instance's field, reads
// the others' live fields and deletes the expired ones, with Redis's clock (TIME): no skew between machines.
const publishScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], (now + ttl) .. ':' .. ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl)
local fields = redis.call('HGETALL', KEYS[1])
local others = {}
for index = 1, #fields, 2 do
  local field, value = fields[index], fields[index + 1]
  local colon = string.find(value, ':', 1, true)
  local expiresAt = colon and tonumber(string.sub(value, 1, colon - 1))
  if not expiresAt or expiresAt <= now then
    redis.call('HDEL', KEYS[1], field)
  elseif field ~= ARGV[1] then
    others[#others + 1] = string.sub(value, colon + 1)
  end
end
return others
`;

// Counts come from a Redis that any peer can write to: bounded, whole, non-negative; anything else is dropped.
const countsSchema = z.record(z.string().max(200), z.number().int().nonnegative().max(100_000_000));

/** Shares this instance's bound-session counts and applies the others' sum. */
export class SharedBoundSessions {
  readonly #options: SharedBoundSessionsOptions;
  readonly #key: string;
  readonly #instanceId: string;
  readonly #checkIntervalMs: number;
  readonly #publishIntervalMs: number;
  readonly #changeThreshold: number;
  readonly #ttlMs: number;
  #published = new Map<string, number>();
  #publishedAt: number | undefined;
  #readAt: number | undefined;
  #failedAt: number | undefined;
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: SharedBoundSessionsOptions) {
    this.#options = options;
    this.#key = `${options.keyPrefix}{accounts}:bound-sessions`;
    this.#instanceId = options.instanceId ?? randomUUID();
    this.#checkIntervalMs = options.checkIntervalMs ?? 250;
    this.#publishIntervalMs = options.publishIntervalMs ?? 2000;
    this.#changeThreshold = options.changeThreshold ?? 256;
    this.#ttlMs = options.ttlMs ?? 3 * this.#publishIntervalMs;
  }

  /** Publishes once (resolves even when Redis is down), then checks on the timer. */
  async start(): Promise<void> {
    await this.check();
    if (this.#closed) return;
    this.#timer = setInterval(() => void this.check(), this.#checkIntervalMs);
    this.#timer.unref();
  }

  /** Compares the local counts with the last published; publishes and reads the others' when it is time. */
  async check(now = Date.now()): Promise<void> {
    if (this.#closed || this.#running) return;
    // After a failure, the next try waits a whole interval (a Redis outage is not hammered).
    if (this.#failedAt !== undefined && now - this.#failedAt < this.#publishIntervalMs && now >= this.#failedAt) return;
    const local = this.#options.localCounts();
    let moved = 0;
    for (const [accountId, count] of local) moved += Math.abs(count - (this.#published.get(accountId) ?? 0));
    for (const [accountId, count] of this.#published) if (!local.has(accountId)) moved += count;
    const sinceLastMs = this.#publishedAt === undefined ? undefined : now - this.#publishedAt;
    if (
      !shouldPublishBoundSessions({
        moved,
        sinceLastMs,
        publishIntervalMs: this.#publishIntervalMs,
        changeThreshold: this.#changeThreshold,
      })
    ) {
      return;
    }
    this.#running = this.#publish(new Map(local), now).finally(() => {
      this.#running = undefined;
    });
    await this.#running;
  }

  /** Removes this instance's field (a clean stop: the others stop counting it at once). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#running;
    try {
      await this.#options.redis.hdel(this.#key, this.#instanceId);
    } catch (error) {
      this.#options.onError?.(error);
    }
  }

  async #publish(local: Map<string, number>, now: number): Promise<void> {
    const counts: Record<string, number> = {};
    for (const [accountId, count] of local) if (count > 0) counts[accountId] = count;
    let others: unknown;
    try {
      others = await this.#options.redis.eval(
        publishScript,
        1,
        this.#key,
        this.#instanceId,
        JSON.stringify(counts),
        String(this.#ttlMs),
      );
    } catch (error) {
      this.#options.onError?.(error);
      // Redis down: the others' counts are believed as long as their fields would live, then forgotten.
      if (this.#readAt !== undefined && now - this.#readAt >= this.#ttlMs) {
        this.#readAt = undefined;
        this.#options.apply(new Map());
      }
      this.#failedAt = now;
      return;
    }
    this.#failedAt = undefined;
    this.#published = local;
    this.#publishedAt = now;
    this.#readAt = now;
    this.#options.apply(this.#sum(Array.isArray(others) ? others : []));
  }

  #sum(fields: unknown[]): Map<string, number> {
    const sum = new Map<string, number>();
    for (const field of fields) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(field));
      } catch {
        this.#options.onRejected?.('bound-session counts that are not JSON');
        continue;
      }
      const result = countsSchema.safeParse(parsed);
      if (!result.success) {
        this.#options.onRejected?.('bound-session counts of the wrong shape');
        continue;
      }
      for (const [accountId, count] of Object.entries(result.data)) {
        if (this.#options.isKnown(accountId)) sum.set(accountId, (sum.get(accountId) ?? 0) + count);
      }
    }
    return sum;
  }
}
