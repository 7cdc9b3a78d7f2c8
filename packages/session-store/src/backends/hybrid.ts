import { randomBytes, randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { StoreClosedError, StoreUnavailableError } from '../errors.js';
import type { SessionStoreEvents } from '../events.js';
import { integerOption } from '../options.js';
import {
  applyDelta,
  assertSessionId,
  type Session,
  type SessionDelta,
  type SessionQuery,
  touchSession,
} from '../session.js';
import type { CreateResult, SessionStore, SessionStoreStats } from '../session-store.js';
import { TypedEventEmitter } from '../typed-event-emitter.js';
import { type ChangeMessage, decodeChangeMessage } from './change-message.js';
import { MemoryCache } from './memory-cache.js';
import {
  createChange,
  deltaChange,
  mergeChanges,
  type PendingChange,
  removeChange,
  replaceChange,
} from './pending-change.js';
import type { AffinityOperation } from './redis-affinity.js';
import { RedisSessionCore, type RedisSessionStoreOptions } from './redis-core.js';

export interface HybridSessionStoreOptions extends RedisSessionStoreOptions {
  /** Most sessions cached in memory. Default 10 000. */
  maxSessions?: number;
  /** Longest a session stays cached in memory, ms. Default 5 min. */
  cacheTtlMs?: number;
  /**
   * Longest a change waits before it is written to Redis, ms: every interval writes each changed session once,
   * however often it changed. Default 60 000.
   */
  syncIntervalMs?: number;
  /** Most sessions (and affinities) written per pipeline when a sync writes its changes. Default 100. */
  batchSize?: number;
  /**
   * Most sessions and affinities with unsynced changes held (while Redis is away); the oldest go first. When half
   * of it is queued, a sync starts before the interval ends. Default 100 000.
   */
  maxUnsyncedChanges?: number;
}

/** An affinity write held for the next sync (a slide) or while Redis is away. */
type AffinityChange = Exclude<AffinityOperation, { kind: 'read' }>;

/** How long "this session has no affinity", read by create, is trusted without asking Redis again. */
const hintLifetimeMs = 1000;

/** Changes taken from the queues and written together; a batch keeps its sequence until Redis confirms it. */
interface Batch {
  readonly sequence: number;
  readonly sessions: Map<string, PendingChange>;
  readonly affinities: Map<string, AffinityChange>;
}

/**
 * An LRU in memory in front of Redis: reads from memory first, writes to memory at once and to Redis once per
 * sync interval (a session's changes merged into one write), creates, deletes and affinity choices written
 * through (they must be atomic across instances). Survives a Redis outage in memory and replays when it returns.
 */
export class HybridSessionStore extends TypedEventEmitter<SessionStoreEvents> implements SessionStore {
  readonly backend: string = 'hybrid';
  readonly ttlMs: number;
  readonly affinityTtlMs: number;
  readonly #front: MemoryCache;
  readonly #back: RedisSessionCore;
  /**
   * Sessions whose create just read "no affinity" from Redis, with when: a getAffinity within a second answers
   * without asking again (a new session's first request reads its affinity right after creating it).
   */
  readonly #knownWithoutAffinity = new Map<string, number>();
  readonly #subscriber: Redis | Cluster;
  readonly #subscribed: Promise<void>;
  readonly #instanceId = randomUUID();
  /** This instance as a writer of batches: short, because every session hash it writes keeps it as a field. */
  readonly #writer = randomBytes(6).toString('base64url');
  #sequence = 0;
  readonly #batchSize: number;
  readonly #maxUnsyncedChanges: number;
  readonly #timer: NodeJS.Timeout;
  readonly #pending = new Map<string, PendingChange>();
  readonly #pendingAffinities = new Map<string, AffinityChange>();
  /** A batch whose write failed: Redis may or may not hold it. Replayed as it is before anything newer. */
  #unconfirmed: Batch | undefined;
  #chain: Promise<void> = Promise.resolve();
  #flushScheduled = false;
  #syncBatches = 0;
  #dropped = 0;
  #degradedSince: number | undefined;
  #closed = false;
  readonly #onReady = () => {
    // Back from an outage: replay everything held, not one batch per interval.
    if (this.#degradedSince !== undefined && !this.#closed) this.#sync(true).catch(() => {});
  };

  constructor(options: HybridSessionStoreOptions) {
    super();
    this.#back = new RedisSessionCore(options, {
      sessionExpired: (sessionId) => this.emit('session-expired', { sessionId }),
      messageRejected: (event) => this.emit('message-rejected', event),
    });
    this.ttlMs = this.#back.ttlMs;
    this.affinityTtlMs = this.#back.affinityTtlMs;
    const maxSessions = integerOption('maxSessions', options.maxSessions, 10_000);
    this.#front = new MemoryCache({
      maxSessions,
      affinityTtlMs: this.affinityTtlMs,
      maxAffinities: maxSessions,
      maxCacheAgeMs: integerOption('cacheTtlMs', options.cacheTtlMs, 5 * 60 * 1000),
      onExpired: (sessionId) => this.emit('session-expired', { sessionId }),
    });
    this.#batchSize = integerOption('batchSize', options.batchSize, 100);
    this.#maxUnsyncedChanges = integerOption('maxUnsyncedChanges', options.maxUnsyncedChanges, 100_000);
    const syncIntervalMs = integerOption('syncIntervalMs', options.syncIntervalMs, 60_000);
    this.#timer = setInterval(() => this.#syncInBackground(), syncIntervalMs).unref();

    const client = this.#back.connection.client;
    client.on('ready', this.#onReady);
    this.#subscriber = client.duplicate();
    this.#subscriber.on('error', () => {});
    this.#subscriber.on('message', (channel: string, message: string) => this.#onChangeMessage(channel, message));
    const channel = this.#back.keys.channel;
    this.#subscribed = new Promise<void>((resolve) => {
      const subscribe = () => {
        this.#subscriber.subscribe(channel).then(
          () => resolve(),
          () => {},
        );
      };
      // ioredis resubscribes by itself after a reconnect; this covers a first subscribe that failed.
      this.#subscriber.on('ready', subscribe);
      if (this.#subscriber.status === 'ready') subscribe();
    });
  }

  /** Resolves once this store listens to other instances' changes (tests wait for it before racing them). */
  async ready(): Promise<void> {
    await this.#subscribed;
  }

  async get(id: string): Promise<Session | undefined> {
    this.#assertOpen();
    return this.#front.lookup(id) ?? (await this.#refill([id]))[0];
  }

  async getMany(ids: readonly string[]): Promise<Array<Session | undefined>> {
    this.#assertOpen();
    const sessions = ids.map((id) => this.#front.lookup(id));
    const missing = ids.filter((_, position) => sessions[position] === undefined);
    if (missing.length === 0) return sessions;
    const refilled = new Map<string, Session | undefined>();
    (await this.#refill(missing)).forEach((session, position) => {
      refilled.set(missing[position] as string, session);
    });
    return sessions.map((session, position) => session ?? refilled.get(ids[position] as string));
  }

  async set(session: Session): Promise<void> {
    this.#assertOpen();
    assertSessionId(session.id);
    this.#front.hold(session);
    this.#queue(session.id, replaceChange(session));
  }

  async setMany(sessions: readonly Session[]): Promise<void> {
    for (const session of sessions) assertSessionId(session.id);
    for (const session of sessions) await this.set(session);
  }

  async create(session: Session): Promise<CreateResult> {
    this.#assertOpen();
    assertSessionId(session.id);
    const held = this.#front.lookup(session.id);
    if (held) return { session: held, created: false };
    // A change held for this id (a delete or a create made while Redis was away) must land first, or the atomic
    // create below would decide against what Redis is about to hold.
    if (this.#hasUnsynced(session.id)) await this.flush().catch((error: unknown) => this.#whenUnavailable(error, 0));
    try {
      // Written through: only Redis can decide between two instances creating the same session.
      const { session: stored, created, affinity } = await this.#back.create(session);
      this.#front.hold(stored);
      if (affinity !== undefined) this.#front.holdAffinity(session.id, affinity);
      else this.#rememberWithoutAffinity(session.id);
      return { session: stored, created };
    } catch (error) {
      this.#whenUnavailable(error, undefined);
      // Degraded: this instance decides alone; the create is replayed as create-if-absent when Redis is back.
      const result = this.#front.insert(session);
      if (result.created) this.#queue(session.id, createChange(session));
      return result;
    }
  }

  async delete(id: string): Promise<boolean> {
    this.#assertOpen();
    const held = this.#front.peek(id);
    // A batch awaiting confirmation is replayed as it is and may create the session again: it lands first. What
    // is merely queued, the delete supersedes.
    if (this.#unconfirmed?.sessions.has(id)) {
      await this.flush().catch((error: unknown) => this.#whenUnavailable(error, 0));
    }
    try {
      const deleted = await this.#back.delete(id);
      // A session set here and not yet synced exists for this instance though Redis has not seen it.
      const queued = this.#pending.get(id);
      this.#pending.delete(id);
      this.#front.drop(id);
      await this.#announce({ sessions: [id] });
      return deleted || (queued !== undefined && !queued.remove);
    } catch (error) {
      this.#whenUnavailable(error, undefined);
      const existing = held ?? (await this.get(id));
      if (!existing) return false;
      this.#front.drop(id);
      this.#queue(id, removeChange(existing, Date.now()));
      return true;
    }
  }

  async touch(id: string): Promise<Session | undefined> {
    const session = await this.get(id);
    if (!session) return undefined;
    const touched = touchSession(session, Date.now(), this.ttlMs);
    this.#front.hold(touched);
    this.#queue(id, deltaChange(touched, {}));
    return touched;
  }

  async increment(id: string, delta: SessionDelta): Promise<Session | undefined> {
    const session = await this.get(id);
    if (!session) return undefined;
    const updated = applyDelta(session, delta, Date.now(), this.ttlMs);
    this.#front.hold(updated);
    this.#queue(id, deltaChange(updated, delta));
    return updated;
  }

  async find(query: SessionQuery): Promise<Session[]> {
    this.#assertOpen();
    try {
      // Redis holds every instance's sessions once this one's changes are written; then memory's copies win.
      await this.flush();
      const found = await this.#back.find(query);
      return found.map((session) => this.#front.lookup(session.id) ?? this.#hold(session));
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.#degrade(error);
      return this.#front.search(query);
    }
  }

  async getAffinity(sessionId: string): Promise<string | undefined> {
    this.#assertOpen();
    const held = this.#front.lookupAffinity(sessionId);
    if (held !== undefined) {
      // The slide reaches Redis with the next batch; it is a TTL refresh, not a choice.
      if (!this.#pendingAffinities.has(sessionId)) this.#queueAffinity(sessionId, { kind: 'slide' });
      return held;
    }
    if (this.#unsyncedAffinity(sessionId)?.kind === 'clear') return undefined;
    const knownAt = this.#knownWithoutAffinity.get(sessionId);
    if (knownAt !== undefined) {
      this.#knownWithoutAffinity.delete(sessionId);
      if (Date.now() - knownAt < hintLifetimeMs) return undefined;
    }
    try {
      const accountId = ((await this.#back.affinity(sessionId, { kind: 'read' })) as string | null) ?? undefined;
      if (accountId !== undefined) this.#front.holdAffinity(sessionId, accountId);
      return accountId;
    } catch (error) {
      return this.#whenUnavailable(error, undefined);
    }
  }

  async claimAffinity(sessionId: string, accountId: string): Promise<string> {
    this.#assertOpen();
    this.#knownWithoutAffinity.delete(sessionId);
    const held = this.#front.lookupAffinity(sessionId);
    if (held !== undefined) return held;
    try {
      const winner = (await this.#back.affinity(sessionId, { kind: 'claim', accountId })) as string;
      this.#front.holdAffinity(sessionId, winner);
      return winner;
    } catch (error) {
      this.#whenUnavailable(error, undefined);
      this.#front.holdAffinity(sessionId, accountId);
      this.#queueAffinity(sessionId, { kind: 'claim', accountId });
      return accountId;
    }
  }

  async setAffinity(sessionId: string, accountId: string): Promise<void> {
    this.#assertOpen();
    this.#knownWithoutAffinity.delete(sessionId);
    this.#front.holdAffinity(sessionId, accountId);
    try {
      await this.#back.affinity(sessionId, { kind: 'set', accountId });
      await this.#announce({ affinities: [sessionId] });
    } catch (error) {
      this.#whenUnavailable(error, undefined);
      this.#queueAffinity(sessionId, { kind: 'set', accountId });
    }
  }

  async clearAffinity(sessionId: string): Promise<boolean> {
    this.#assertOpen();
    this.#knownWithoutAffinity.delete(sessionId);
    const held = this.#front.lookupAffinity(sessionId) !== undefined;
    this.#front.dropAffinity(sessionId);
    try {
      const cleared = (await this.#back.affinity(sessionId, { kind: 'clear' })) === 1;
      await this.#announce({ affinities: [sessionId] });
      return cleared || held;
    } catch (error) {
      this.#whenUnavailable(error, undefined);
      this.#queueAffinity(sessionId, { kind: 'clear' });
      return held;
    }
  }

  /** Writes every queued change to Redis now; rejects with `StoreUnavailableError` (changes kept) if it cannot. */
  async flush(): Promise<void> {
    await this.#sync(true);
  }

  /** Queues a drain after any running one; `everything`: until the queue is empty, else what is queued now. */
  #sync(everything: boolean): Promise<void> {
    const run = this.#chain.then(() => this.#drain(everything));
    this.#chain = run.catch(() => {});
    return run;
  }

  stats(): SessionStoreStats {
    return {
      backend: this.backend,
      cachedSessions: this.#front.size,
      hits: this.#front.hits,
      misses: this.#front.misses,
      expired: this.#front.expired + this.#back.expired,
      syncBatches: this.#syncBatches,
      unsyncedChanges: this.#unsyncedCount(),
      droppedChanges: this.#dropped,
      degraded: this.#degradedSince !== undefined,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#timer);
    this.#back.connection.client.off('ready', this.#onReady);
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      this.#subscriber.disconnect();
      await this.#back.close();
      this.#front.dropAll();
    }
  }

  async #refill(ids: readonly string[]): Promise<Array<Session | undefined>> {
    let stored: Array<Session | undefined>;
    try {
      stored = await this.#back.getMany(ids);
    } catch (error) {
      this.#whenUnavailable(error, undefined);
      // Degraded: what this instance changed itself is all it knows.
      return ids.map((id) => {
        const latest = this.#pending.get(id) ?? this.#unconfirmed?.sessions.get(id);
        return latest && !latest.remove && latest.session.expiresAt > Date.now()
          ? this.#hold(latest.session)
          : undefined;
      });
    }
    return stored.map((session, position) => {
      const id = ids[position] as string;
      let merged = session;
      for (const change of [this.#unconfirmed?.sessions.get(id), this.#pending.get(id)]) {
        if (change) merged = overlay(merged, change, this.ttlMs);
      }
      return merged && merged.expiresAt > Date.now() ? this.#hold(merged) : undefined;
    });
  }

  /** True when a change of this session is queued or awaits confirmation. */
  #hasUnsynced(id: string): boolean {
    return this.#pending.has(id) || this.#unconfirmed?.sessions.has(id) === true;
  }

  #rememberWithoutAffinity(sessionId: string): void {
    // A hint for the very next read only; bounded so that sessions created and never read cannot pile up.
    if (this.#knownWithoutAffinity.size >= this.#batchSize * 10) this.#knownWithoutAffinity.clear();
    this.#knownWithoutAffinity.set(sessionId, Date.now());
  }

  /** The latest affinity change not yet confirmed by Redis. */
  #unsyncedAffinity(sessionId: string): AffinityChange | undefined {
    return this.#pendingAffinities.get(sessionId) ?? this.#unconfirmed?.affinities.get(sessionId);
  }

  #unsyncedCount(): number {
    const unconfirmed = this.#unconfirmed ? this.#unconfirmed.sessions.size + this.#unconfirmed.affinities.size : 0;
    return this.#pending.size + this.#pendingAffinities.size + unconfirmed;
  }

  #hold(session: Session): Session {
    this.#front.hold(session);
    return session;
  }

  #queue(id: string, change: PendingChange): void {
    const earlier = this.#pending.get(id);
    this.#pending.set(id, earlier ? mergeChanges(earlier, change) : change);
    this.#afterQueued();
  }

  #queueAffinity(sessionId: string, change: AffinityChange): void {
    this.#pendingAffinities.set(sessionId, change);
    this.#afterQueued();
  }

  #afterQueued(): void {
    this.#dropBeyondLimit();
    // Changes wait for the interval, so that a busy session costs one write per interval (not one per batchSize
    // other sessions changed); only a queue half way to its limit is written early, before it must drop changes.
    const early = this.#pending.size + this.#pendingAffinities.size >= this.#maxUnsyncedChanges / 2;
    if (early && this.#degradedSince === undefined && !this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        this.#syncInBackground();
      });
    }
  }

  #dropBeyondLimit(): void {
    const excess = this.#unsyncedCount() - this.#maxUnsyncedChanges;
    if (excess <= 0) return;
    // Oldest first: the unconfirmed batch, then the queue. Affinity changes are the cheapest to lose (the next
    // request claims again): they go once sessions run out.
    const dropped: string[] = [];
    for (const queue of [
      this.#unconfirmed?.sessions,
      this.#pending,
      this.#unconfirmed?.affinities,
      this.#pendingAffinities,
    ]) {
      if (queue && dropped.length < excess) dropped.push(...takeFirst<unknown>(queue, excess - dropped.length).keys());
    }
    if (this.#unconfirmed && this.#unconfirmed.sessions.size + this.#unconfirmed.affinities.size === 0) {
      this.#unconfirmed = undefined;
    }
    this.#dropped += dropped.length;
    this.emit('changes-dropped', { sessionIds: dropped, totalDropped: this.#dropped });
  }

  #syncInBackground(): void {
    if (this.#closed) return;
    this.#sync(false).catch(() => {});
  }

  async #drain(everything: boolean): Promise<void> {
    let replayed = 0;
    // A background sync writes what was queued when it started: changes that arrive during its writes wait for the
    // next interval, so that a busy session costs one write per interval.
    let budget = everything ? Number.POSITIVE_INFINITY : Math.max(this.#pending.size, this.#pendingAffinities.size);
    const next = () => {
      if (budget <= 0) return undefined;
      budget -= this.#batchSize;
      return this.#takeBatch();
    };
    for (let batch = this.#unconfirmed ?? next(); batch; batch = next()) {
      const changes = batch.sessions.size + batch.affinities.size;
      const started = performance.now();
      try {
        await this.#back.applyWrites(
          [...batch.sessions].map(([id, change]) => ({ id, ...change })),
          false,
          { writer: this.#writer, sequence: batch.sequence },
        );
        await this.#writeAffinities(batch.affinities);
      } catch (error) {
        // Redis may have applied some or all of it: it is replayed as it is (same sequence), never merged with
        // later changes, so that what it applied already is skipped and the rest lands exactly once.
        this.#unconfirmed = batch;
        this.#dropBeyondLimit();
        throw this.#degrade(error);
      }
      this.#unconfirmed = undefined;
      this.#syncBatches += 1;
      replayed += changes;
      this.emit('batch-synced', { changes, durationMs: performance.now() - started });
      await this.#announce({
        sessions: [...batch.sessions.keys()],
        affinities: [...batch.affinities].filter(([, change]) => change.kind !== 'slide').map(([id]) => id),
      });
    }
    if (this.#degradedSince !== undefined) {
      try {
        await this.#back.connection.command(['exists', this.#back.keys.channel]);
      } catch (error) {
        throw this.#degrade(error);
      }
      const degradedMs = Date.now() - this.#degradedSince;
      this.#degradedSince = undefined;
      // Other instances' announcements were lost while away: cached copies may be stale, so start afresh.
      this.#front.dropAll();
      this.emit('store-recovered', { degradedMs, replayedChanges: replayed });
    }
  }

  async #writeAffinities(affinities: ReadonlyMap<string, AffinityChange>): Promise<void> {
    const replies = await this.#back.affinities([...affinities]);
    [...affinities].forEach(([sessionId, change], position) => {
      // A claim made while Redis was away may have lost to another instance's: adopt the winner.
      const winner = replies[position];
      if (change.kind === 'claim' && typeof winner === 'string') this.#front.holdAffinity(sessionId, winner);
    });
  }

  /** The oldest queued changes as a new batch, or undefined when nothing is queued. */
  #takeBatch(): Batch | undefined {
    if (this.#pending.size === 0 && this.#pendingAffinities.size === 0) return undefined;
    this.#sequence += 1;
    return {
      sequence: this.#sequence,
      sessions: takeFirst(this.#pending, this.#batchSize),
      affinities: takeFirst(this.#pendingAffinities, this.#batchSize),
    };
  }

  #degrade(error: unknown): unknown {
    if (!(error instanceof StoreUnavailableError)) return error;
    if (this.#degradedSince === undefined) {
      this.#degradedSince = Date.now();
      this.emit('store-degraded', { error, unsyncedChanges: this.#unsyncedCount() });
    }
    return error;
  }

  #whenUnavailable<T>(error: unknown, fallback: T): T {
    if (!(error instanceof StoreUnavailableError)) throw error;
    this.#degrade(error);
    return fallback;
  }

  async #announce(message: Omit<ChangeMessage, 'from'>): Promise<void> {
    if (!message.sessions?.length && !message.affinities?.length) return;
    try {
      await this.#back.connection.publish(
        this.#back.keys.channel,
        JSON.stringify({ from: this.#instanceId, ...message }),
      );
    } catch {
      // The data is in Redis; other instances' copies expire with their cache TTL at worst.
    }
  }

  #onChangeMessage(channel: string, raw: string): void {
    if (channel !== this.#back.keys.channel) return;
    // Any Redis peer can publish here: a message that does not decode is dropped and reported, never thrown.
    const { message, reason } = decodeChangeMessage(raw);
    if (message === undefined) {
      this.emit('message-rejected', { source: 'change-channel', key: channel, reason });
      return;
    }
    if (message.from === this.#instanceId) return;
    for (const id of message.sessions ?? []) this.#front.drop(id);
    for (const id of message.affinities ?? []) this.#front.dropAffinity(id);
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}

/** What this instance should see: the stored session with its own unsynced change on top. */
function overlay(stored: Session | undefined, pending: PendingChange, ttlMs: number): Session | undefined {
  if (pending.remove) return undefined;
  if (pending.replace) return pending.session;
  if (!stored) return pending.create ? pending.session : undefined;
  return applyDelta(stored, pending.delta, pending.at, ttlMs);
}

/** Removes and returns the first `count` entries of a map (its oldest). */
function takeFirst<Value>(map: Map<string, Value>, count: number): Map<string, Value> {
  const taken = new Map<string, Value>();
  for (const [key, value] of map) {
    if (taken.size >= count) break;
    taken.set(key, value);
  }
  for (const key of taken.keys()) map.delete(key);
  return taken;
}
