import type { SessionStoreEvents } from '../events.js';
import type { Session, SessionDelta, SessionQuery } from '../session.js';
import type { CreateResult, SessionStore, SessionStoreStats } from '../session-store.js';
import { TypedEventEmitter } from '../typed-event-emitter.js';
import { RedisSessionCore, type RedisSessionStoreOptions } from './redis-core.js';

export type { RedisSessionStoreOptions } from './redis-core.js';

/** Sessions in Redis: a hash per session, sorted-set indexes scored by expiry, Lua for atomic changes. */
export class RedisSessionStore extends TypedEventEmitter<SessionStoreEvents> implements SessionStore {
  readonly backend: string = 'redis';
  readonly ttlMs: number;
  readonly affinityTtlMs: number;
  readonly #core: RedisSessionCore;

  constructor(options: RedisSessionStoreOptions) {
    super();
    this.#core = new RedisSessionCore(options, {
      sessionExpired: (sessionId) => this.emit('session-expired', { sessionId }),
      messageRejected: (event) => this.emit('message-rejected', event),
    });
    this.ttlMs = this.#core.ttlMs;
    this.affinityTtlMs = this.#core.affinityTtlMs;
  }

  async get(id: string): Promise<Session | undefined> {
    const [session] = await this.#core.getMany([id]);
    return session;
  }

  async getMany(ids: readonly string[]): Promise<Array<Session | undefined>> {
    return await this.#core.getMany(ids);
  }

  async set(session: Session): Promise<void> {
    await this.#core.setMany([session]);
  }

  async setMany(sessions: readonly Session[]): Promise<void> {
    await this.#core.setMany(sessions);
  }

  async create(session: Session): Promise<CreateResult> {
    const { session: stored, created } = await this.#core.create(session);
    return { session: stored, created };
  }

  async delete(id: string): Promise<boolean> {
    return await this.#core.delete(id);
  }

  async touch(id: string): Promise<Session | undefined> {
    return await this.increment(id, {});
  }

  async increment(id: string, delta: SessionDelta): Promise<Session | undefined> {
    const [session] = await this.#core.applyWrites([{ id, at: Date.now(), delta }], true);
    return session;
  }

  async find(query: SessionQuery): Promise<Session[]> {
    return await this.#core.find(query);
  }

  async getAffinity(sessionId: string): Promise<string | undefined> {
    return ((await this.#core.affinity(sessionId, { kind: 'read' })) as string | null) ?? undefined;
  }

  async claimAffinity(sessionId: string, accountId: string): Promise<string> {
    return (await this.#core.affinity(sessionId, { kind: 'claim', accountId })) as string;
  }

  async setAffinity(sessionId: string, accountId: string): Promise<void> {
    await this.#core.affinity(sessionId, { kind: 'set', accountId });
  }

  async clearAffinity(sessionId: string): Promise<boolean> {
    return (await this.#core.affinity(sessionId, { kind: 'clear' })) === 1;
  }

  stats(): SessionStoreStats {
    return {
      backend: this.backend,
      cachedSessions: undefined,
      hits: this.#core.hits,
      misses: this.#core.misses,
      expired: this.#core.expired,
      syncBatches: 0,
      unsyncedChanges: 0,
      droppedChanges: 0,
      degraded: false,
    };
  }

  async close(): Promise<void> {
    await this.#core.close();
  }
}
