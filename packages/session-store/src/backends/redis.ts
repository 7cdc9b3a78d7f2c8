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
  /**
   * Buckets per find-by index (1 to 1024 each). Keep sessions per value / buckets under ~100, so that each bucket
   * stays a compact listpack (Redis's `zset-max-listpack-entries` is 128). Default userId 1, apiKeyId 16,
   * accountId 64.
   */
  indexBuckets?: Partial<Record<IndexedField, number>>;
}

const defaultIndexBuckets: Readonly<Record<IndexedField, number>> = { userId: 1, apiKeyId: 16, accountId: 64 };

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

/**
 * Marks a batch of writes so that applying it twice adds nothing twice: each session hash keeps the writer's last
 * applied sequence (one small field per writer), and a write at or below it is skipped. A writer must send its
 * batches in sequence order and replay an unconfirmed batch, with its sequence, before sending a later one.
 */
export interface BatchMark {
  /** Names the writer; short (it becomes a hash field in every session it writes). */
  readonly writer: string;
  /** Grows with every new batch of this writer. */
  readonly sequence: number;
}

/** The hash field holding a writer's last applied batch sequence (`~` keeps it apart from the session fields). */
const writerField = (writer: string) => `~${writer}`;

// Index scores are expiries in minutes, rounded up: a session that slides by seconds rewrites its index entries
// about once a minute, not on every request, and a score fits in 4 bytes of a listpack instead of 8. A score is
// never below the session's expiry.
const indexScoreGrainMs = 60_000;
const indexScore = (expiresAt: number) => Math.ceil(expiresAt / indexScoreGrainMs);
/** Now on the index score scale: entries scored below it are past their expiry. */
const indexNow = () => Date.now() / indexScoreGrainMs;

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
    const buckets = options.indexBuckets ?? {};
    this.keys = new RedisKeys(keyPrefix, {
      userId: integerOption('indexBuckets.userId', buckets.userId, defaultIndexBuckets.userId, 1, 1024),
      apiKeyId: integerOption('indexBuckets.apiKeyId', buckets.apiKeyId, defaultIndexBuckets.apiKeyId, 1, 1024),
      accountId: integerOption('indexBuckets.accountId', buckets.accountId, defaultIndexBuckets.accountId, 1, 1024),
    });
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
      [
        'relaySessionApply',
        this.keys.session(session.id),
        session.expiresAt,
        'all',
        '',
        0,
        create.length / 2,
        ...create,
        0,
      ],
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
   * With `mark`, counters and fields are applied at most once per session however often the batch is replayed.
   */
  async applyWrites(
    writes: readonly SessionWrite[],
    reply: boolean,
    mark?: BatchMark,
  ): Promise<Array<Session | undefined>> {
    const writer = mark ? writerField(mark.writer) : '';
    const sequence = mark?.sequence ?? 0;
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
          writer,
          sequence,
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
      if (!session) return;
      // Applied before and replayed: the first attempt may have lost its index moves along with its reply.
      if (created === -1) {
        followUp.push(...this.#indexCommands(session));
        return;
      }
      if (created === 1 && write.session) return;
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
    // One trim and one read per bucket, each on its own key: the buckets may live in different Cluster slots.
    const now = indexNow();
    const replies = await this.connection.batch(
      this.keys.indexBuckets(field, value).flatMap((key): RedisCommand[] => [
        ['zremrangebyscore', key, '-inf', `(${now}`],
        ['zrange', key, 0, -1],
      ]),
    );
    const ids = replies.filter((_, position) => position % 2 === 1).flat() as string[];
    const sessions = await this.getMany(ids);
    const found: Session[] = [];
    const stale: RedisCommand[] = [];
    sessions.forEach((session, position) => {
      const id = ids[position] as string;
      if (session && matchesQuery(session, query)) found.push(session);
      // Gone, or no longer holding this value (it moved accounts): trim the entry now.
      else if (!session || session[field] !== value) stale.push(['zrem', this.keys.index(field, value, id), id]);
      if (!session) {
        this.#expired += 1;
        this.emit('session-expired', { sessionId: id });
      }
    });
    await this.connection.batch(stale);
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
      if (value !== undefined) commands.push(['zrem', this.keys.index(field, value, session.id), session.id]);
    }
    return commands;
  }

  #indexCommands(session: Session): RedisCommand[] {
    const commands: RedisCommand[] = [];
    const score = indexScore(session.expiresAt);
    const now = indexNow();
    for (const field of indexedFields) {
      const value = session[field];
      if (value !== undefined) {
        const key = this.keys.index(field, value, session.id);
        commands.push(['relaySessionIndex', key, score, session.id, now, indexScoreGrainMs]);
      }
    }
    return commands;
  }
}
