import { InvalidOptionError } from '../errors.js';
import type { SessionStoreEvents } from '../events.js';
import { integerOption, stringOption } from '../options.js';
import {
  assertSessionId,
  type IndexedField,
  indexedFields,
  matchesQuery,
  queryIndex,
  type Session,
  type SessionDelta,
  type SessionQuery,
} from '../session.js';
import type { CreateResult, SessionStore, SessionStoreStats } from '../session-store.js';
import { TypedEventEmitter } from '../typed-event-emitter.js';
import { decodeSession, encodeCounters, encodeDeltaFields, encodeSession, pairsToRecord } from './redis-codec.js';
import { type RedisCommand, RedisConnection, type RedisSource } from './redis-connection.js';
import { RedisKeys } from './redis-keys.js';

export interface RedisSessionStoreOptions {
  /** A Redis URL (`redis://`, `rediss://`), or an ioredis `Redis` or `Cluster` you own (it is not closed). */
  redis: RedisSource;
  /** Prefix of every key and channel. Default `relay:`. Must not contain `{` (hash tags are ours). */
  keyPrefix?: string;
  /** Session lifetime after its last activity, ms. Default 1 h. */
  ttlMs?: number;
  /** Affinity lifetime after its last use, ms. Default 30 min. */
  affinityTtlMs?: number;
  /** Longest a command may take, ms, on connections made from a URL. Default 1000. */
  commandTimeoutMs?: number;
  /** Most commands allowed to wait for a connection being established. Default 1000. */
  maxOfflineQueue?: number;
}

/** One write to Redis, atomic per session (the hybrid store hands over its queued changes as these). */
export interface SessionWrite {
  readonly id: string;
  /** When the change happened (its lastActivityAt; the expiry slides from it). */
  readonly at: number;
  /** The session as the writer knows it after the change; required for `replace`, `create` and `remove`. */
  readonly session?: Session | undefined;
  /** Replace the stored hash with `session` (a `set`). */
  readonly replace?: boolean;
  /** Create the hash from this snapshot (counters as they were at creation) first if it does not exist. */
  readonly create?: Session | undefined;
  /** Delete the session. */
  readonly remove?: boolean;
  /** Counters to add and fields to set. */
  readonly delta?: SessionDelta;
}

// Index scores are expiries rounded up to this grain, so a session that slides by seconds rewrites its index
// entries about once a minute, not on every request. A score is never below the session's expiry.
const indexScoreGrainMs = 60_000;
const indexScore = (expiresAt: number) => Math.ceil(expiresAt / indexScoreGrainMs) * indexScoreGrainMs;

type ApplyReply = [created: number, previousExpiresAt: string | null, hash?: string[]] | null;

/** Sessions in Redis: a hash per session, sorted-set indexes scored by expiry, Lua for atomic changes. */
export class RedisSessionStore extends TypedEventEmitter<SessionStoreEvents> implements SessionStore {
  readonly backend: string = 'redis';
  readonly ttlMs: number;
  readonly affinityTtlMs: number;
  readonly keys: RedisKeys;
  readonly connection: RedisConnection;
  #hits = 0;
  #misses = 0;
  #expired = 0;

  constructor(options: RedisSessionStoreOptions) {
    super();
    if (typeof options.redis !== 'string' && (typeof options.redis !== 'object' || options.redis === null)) {
      throw new InvalidOptionError('redis', 'a Redis URL or an ioredis Redis or Cluster', options.redis);
    }
    const keyPrefix = stringOption('keyPrefix', options.keyPrefix, 'relay:');
    if (keyPrefix.includes('{')) throw new InvalidOptionError('keyPrefix', 'a prefix without "{"', keyPrefix);
    this.ttlMs = integerOption('ttlMs', options.ttlMs, 60 * 60 * 1000);
    this.affinityTtlMs = integerOption('affinityTtlMs', options.affinityTtlMs, 30 * 60 * 1000);
    this.keys = new RedisKeys(keyPrefix);
    this.connection = new RedisConnection(options.redis, {
      commandTimeoutMs: integerOption('commandTimeoutMs', options.commandTimeoutMs, 1000),
      maxOfflineQueue: integerOption('maxOfflineQueue', options.maxOfflineQueue, 1000),
    });
  }

  async get(id: string): Promise<Session | undefined> {
    const [session] = await this.getMany([id]);
    return session;
  }

  async getMany(ids: readonly string[]): Promise<Array<Session | undefined>> {
    const replies = await this.connection.batch(ids.map((id) => ['hgetall', this.keys.session(id)]));
    return replies.map((reply, position) => {
      const session = decodeSession(ids[position] as string, reply as Record<string, string>);
      if (session) this.#hits += 1;
      else this.#misses += 1;
      return session;
    });
  }

  async set(session: Session): Promise<void> {
    await this.setMany([session]);
  }

  async setMany(sessions: readonly Session[]): Promise<void> {
    for (const session of sessions) assertSessionId(session.id);
    const commands: RedisCommand[] = [];
    for (const session of sessions) {
      commands.push([
        'relaySessionReplace',
        this.keys.session(session.id),
        session.expiresAt,
        ...encodeSession(session),
      ]);
      commands.push(...this.#indexCommands(session));
    }
    await this.connection.batch(commands);
  }

  async create(session: Session): Promise<CreateResult> {
    assertSessionId(session.id);
    const create = encodeSession(session);
    const commands: RedisCommand[] = [
      ['relaySessionApply', this.keys.session(session.id), session.expiresAt, 'all', create.length / 2, ...create, 0],
      // Indexing before knowing who won is harmless: a loser's entry points at the same id, and finds verify.
      ...this.#indexCommands(session),
    ];
    const [reply] = await this.connection.batch(commands);
    const [created, , hash] = reply as NonNullable<ApplyReply>;
    if (created === 1) return { session, created: true };
    const existing = decodeSession(session.id, pairsToRecord(hash ?? []));
    return existing ? { session: existing, created: false } : { session, created: true };
  }

  async delete(id: string): Promise<boolean> {
    const reply = (await this.connection.command(['relaySessionDelete', this.keys.session(id)])) as [
      number,
      string | null,
      string | null,
      string | null,
    ];
    const [deleted, userId, apiKeyId, accountId] = reply;
    await this.connection.batch(
      this.#indexRemovals({
        id,
        userId: userId ?? undefined,
        apiKeyId: apiKeyId ?? undefined,
        accountId: accountId ?? undefined,
      }),
    );
    return deleted === 1;
  }

  async touch(id: string): Promise<Session | undefined> {
    return await this.increment(id, {});
  }

  async increment(id: string, delta: SessionDelta): Promise<Session | undefined> {
    const [session] = await this.applyWrites([{ id, at: Date.now(), delta }], true);
    return session;
  }

  /**
   * Writes changes pipelined, each atomic per session: delete, replace, or create-if-absent then add counters and
   * set fields. Index entries ride along for new sessions; a second round trip moves them only when an expiry
   * crosses into a later grain or the account changed. With `reply`, resolves to the sessions after the change.
   */
  async applyWrites(writes: readonly SessionWrite[], reply: boolean): Promise<Array<Session | undefined>> {
    const commands: RedisCommand[] = [];
    const upfront: RedisCommand[] = [];
    for (const write of writes) {
      const key = this.keys.session(write.id);
      const session = write.session;
      if (write.remove) {
        commands.push(['del', key]);
        if (session) upfront.push(...this.#indexRemovals(session));
      } else if (write.replace && session) {
        commands.push(['relaySessionReplace', key, session.expiresAt, ...encodeSession(session)]);
        upfront.push(...this.#indexCommands(session));
      } else {
        const create = write.create ? encodeSession(write.create) : [];
        const delta = write.delta ?? {};
        const counters = encodeCounters(delta);
        commands.push([
          'relaySessionApply',
          key,
          Math.max(write.at + this.ttlMs, session?.expiresAt ?? 0),
          reply ? 'all' : 'none',
          create.length / 2,
          ...create,
          counters.length / 2,
          ...counters,
          ...encodeDeltaFields(delta, write.at),
        ]);
        if (write.create) upfront.push(...this.#indexCommands(session ?? write.create));
      }
    }
    const replies = await this.connection.batch([...commands, ...upfront]);

    const sessions: Array<Session | undefined> = [];
    const followUp: RedisCommand[] = [];
    writes.forEach((write, position) => {
      const applied = replies[position] as ApplyReply | number | string;
      if (!Array.isArray(applied)) {
        sessions.push(write.remove ? undefined : write.session);
        return;
      }
      const [created, previous, hash] = applied;
      const session = hash ? decodeSession(write.id, pairsToRecord(hash)) : write.session;
      sessions.push(session);
      if (!session || (created === 1 && write.session)) return;
      const accountMoved = write.delta?.accountId !== undefined;
      if (created === 1 || accountMoved || indexScore(session.expiresAt) > indexScore(Number(previous ?? 0))) {
        followUp.push(...this.#indexCommands(session));
      }
    });
    await this.connection.batch(followUp);
    return sessions;
  }

  async find(query: SessionQuery): Promise<Session[]> {
    const { field, value } = queryIndex(query);
    const indexKey = this.keys.index(field, value);
    const [, ids] = (await this.connection.batch([
      ['zremrangebyscore', indexKey, '-inf', `(${Date.now()}`],
      ['zrange', indexKey, 0, -1],
    ])) as [number, string[]];
    const sessions = await this.getMany(ids);
    const found: Session[] = [];
    const stale: string[] = [];
    sessions.forEach((session, position) => {
      if (session && matchesQuery(session, query)) found.push(session);
      // Gone, or no longer holding this value (it moved accounts): trim the entry now.
      else if (!session || session[field] !== value) stale.push(ids[position] as string);
      if (!session) {
        this.#expired += 1;
        this.emit('session-expired', { sessionId: ids[position] as string });
      }
    });
    if (stale.length > 0) await this.connection.command(['zrem', indexKey, ...stale]);
    return found;
  }

  async getAffinity(sessionId: string): Promise<string | undefined> {
    const reply = await this.connection.command(['getex', this.keys.affinity(sessionId), 'PX', this.affinityTtlMs]);
    return (reply as string | null) ?? undefined;
  }

  async claimAffinity(sessionId: string, accountId: string): Promise<string> {
    const key = this.keys.affinity(sessionId);
    return (await this.connection.command(['relayAffinityClaim', key, accountId, this.affinityTtlMs])) as string;
  }

  async setAffinity(sessionId: string, accountId: string): Promise<void> {
    await this.connection.command(['set', this.keys.affinity(sessionId), accountId, 'PX', this.affinityTtlMs]);
  }

  async clearAffinity(sessionId: string): Promise<boolean> {
    return (await this.connection.command(['del', this.keys.affinity(sessionId)])) === 1;
  }

  stats(): SessionStoreStats {
    return {
      backend: this.backend,
      cachedSessions: undefined,
      hits: this.#hits,
      misses: this.#misses,
      expired: this.#expired,
      syncBatches: 0,
      unsyncedChanges: 0,
      droppedChanges: 0,
      degraded: false,
    };
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  #indexRemovals(session: Pick<Session, 'id' | IndexedField>): RedisCommand[] {
    const commands: RedisCommand[] = [];
    for (const field of indexedFields) {
      const value = session[field];
      if (value !== undefined) commands.push(['zrem', this.keys.index(field, value), session.id]);
    }
    return commands;
  }

  #indexCommands(session: Session): RedisCommand[] {
    const commands: RedisCommand[] = [];
    const score = indexScore(session.expiresAt);
    const now = Date.now();
    for (const field of indexedFields) {
      const value = session[field];
      if (value !== undefined) {
        commands.push(['relaySessionIndex', this.keys.index(field, value), score, session.id, now]);
      }
    }
    return commands;
  }
}
