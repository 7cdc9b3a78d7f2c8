import { InvalidOptionError } from '../errors.js';
import type { MessageRejectedEvent } from '../events.js';
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
import type { CreateResult } from '../session-store.js';
import { indexMoves } from './index-moves.js';
import { type AffinityOperation, affinityCommand } from './redis-affinity.js';
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

/** What `create` learned: the result, and the session's affinity read in the same step. */
export interface CoreCreateResult extends CreateResult {
  readonly affinity: string | undefined;
}

/** How the core reports what it noticed (the stores turn these into events). */
export interface CoreObserver {
  sessionExpired(sessionId: string): void;
  messageRejected(event: MessageRejectedEvent): void;
}

/** The hash field holding a writer's last applied batch sequence (`~` keeps it apart from the session fields). */
const writerField = (writer: string) => `~${writer}`;

// Index scores are expiries in minutes, rounded up to a step of ten: a session that slides by seconds rewrites its
// three index entries about once every ten minutes, not on every request, and a score fits in 4 bytes of a
// listpack. A score is never below the session's expiry, so a live session is never trimmed; a dead one lingers
// at most one step (finds check every candidate against its hash).
const indexScoreUnitMs = 60_000;
const indexScoreStep = 10;
const indexScore = (expiresAt: number) => Math.ceil(expiresAt / (indexScoreUnitMs * indexScoreStep)) * indexScoreStep;
/** Now on the index score scale: entries scored below it are past their expiry. */
const indexNow = () => Date.now() / indexScoreUnitMs;

type ApplyReply =
  | [created: number, previousExpiresAt: string | null, hash: string[] | null, previousAccountId: string | null]
  | null;
type CreateReply = [created: number, hash: string[] | null, affinity: string | null];

/**
 * Sessions in Redis, as both Redis-backed stores use them: a hash per session, sorted-set indexes scored by expiry,
 * Lua for atomic changes. Internal: the public stores wrap it and expose only the contract.
 */
export class RedisSessionCore {
  readonly ttlMs: number;
  readonly affinityTtlMs: number;
  readonly keys: RedisKeys;
  readonly connection: RedisConnection;
  readonly #observer: CoreObserver;
  hits = 0;
  misses = 0;
  expired = 0;

  constructor(options: RedisSessionStoreOptions, observer: CoreObserver) {
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
    this.#observer = observer;
  }

  async getMany(ids: readonly string[]): Promise<Array<Session | undefined>> {
    const replies = await this.connection.batch(ids.map((id) => ['hgetall', this.keys.session(id)]));
    return replies.map((reply, position) => {
      const session = this.#decode(ids[position] as string, reply as Record<string, string>);
      if (session) this.hits += 1;
      else this.misses += 1;
      return session;
    });
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

  /** Create-if-absent, atomic across instances, with the session's affinity read in the same round trip. */
  async create(session: Session): Promise<CoreCreateResult> {
    assertSessionId(session.id);
    const commands: RedisCommand[] = [
      [
        'relaySessionCreate',
        this.keys.session(session.id),
        this.keys.affinity(session.id),
        session.expiresAt,
        ...encodeSession(session),
      ],
      // Indexing before knowing who won is harmless: a loser's entry points at the same id, and finds verify.
      ...this.#indexCommands(session),
    ];
    const [reply] = await this.connection.batch(commands);
    const [created, hash, affinity] = reply as CreateReply;
    const winner = created === 1 ? undefined : this.#decode(session.id, pairsToRecord(hash ?? []));
    return {
      // A hash that does not decode was reported; the caller's session stands in for it (Redis keeps the hash).
      session: winner ?? session,
      created: created === 1,
      affinity: affinity ?? undefined,
    };
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

  /**
   * Writes changes pipelined, each atomic per session: delete, replace, or create-if-absent then add counters and
   * set fields. Index entries ride along for new sessions; a second round trip moves them only when an expiry
   * crosses into a later index step or the account changed. With `reply`, resolves to the sessions after the change.
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
      const [created, previous, hash, previousAccountId] = applied;
      const session = hash ? this.#decode(write.id, pairsToRecord(hash)) : write.session;
      sessions.push(session);
      if (!session) return;
      // Applied before and replayed: the first attempt may have lost its index moves along with its reply.
      if (created === -1) {
        followUp.push(...this.#indexCommands(session));
        return;
      }
      if (created === 1 && write.session) return;
      const moves = indexMoves({
        created: created === 1,
        previousScore: indexScore(Number(previous ?? 0)),
        score: indexScore(session.expiresAt),
        previousAccountId: previousAccountId ?? undefined,
        accountId: write.delta?.accountId,
      });
      if (moves.length > 0) followUp.push(...this.#indexCommands(session, moves));
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
        this.expired += 1;
        this.#observer.sessionExpired(id);
      }
    });
    await this.connection.batch(stale);
    return found;
  }

  /** Runs affinity operations pipelined; resolves to their replies in order. */
  async affinities(operations: ReadonlyArray<readonly [sessionId: string, AffinityOperation]>): Promise<unknown[]> {
    return await this.connection.batch(
      operations.map(([sessionId, operation]) => affinityCommand(this.keys, sessionId, operation, this.affinityTtlMs)),
    );
  }

  /** Runs one affinity operation. */
  async affinity(sessionId: string, operation: AffinityOperation): Promise<unknown> {
    const [reply] = await this.affinities([[sessionId, operation]]);
    return reply;
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  #decode(id: string, hash: Record<string, string>): Session | undefined {
    return decodeSession(id, hash, (reason) =>
      this.#observer.messageRejected({ source: 'session-hash', key: this.keys.session(id), reason }),
    );
  }

  #indexRemovals(session: Pick<Session, 'id' | IndexedField>): RedisCommand[] {
    const commands: RedisCommand[] = [];
    for (const field of indexedFields) {
      const value = session[field];
      if (value !== undefined) commands.push(['zrem', this.keys.index(field, value, session.id), session.id]);
    }
    return commands;
  }

  #indexCommands(session: Session, fields: readonly IndexedField[] = indexedFields): RedisCommand[] {
    const commands: RedisCommand[] = [];
    const score = indexScore(session.expiresAt);
    const now = indexNow();
    for (const field of fields) {
      const value = session[field];
      if (value !== undefined) {
        const key = this.keys.index(field, value, session.id);
        commands.push(['relaySessionIndex', key, score, session.id, now, indexScoreUnitMs]);
      }
    }
    return commands;
  }
}
