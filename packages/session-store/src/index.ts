export { HybridSessionStore, type HybridSessionStoreOptions } from './backends/hybrid.js';
export { MemorySessionStore, type MemorySessionStoreOptions } from './backends/memory.js';
export {
  type BatchMark,
  RedisSessionStore,
  type RedisSessionStoreOptions,
  type SessionWrite,
} from './backends/redis.js';
export type { RedisSource } from './backends/redis-connection.js';
export { type CreateSessionStoreOptions, createSessionStore } from './create-session-store.js';
export {
  InvalidArgumentError,
  InvalidOptionError,
  SessionStoreError,
  StoreClosedError,
  StoreUnavailableError,
} from './errors.js';
export {
  type AffinityChangedEvent,
  type BatchSyncedEvent,
  type ChangesDroppedEvent,
  type RequestRecordedEvent,
  type SessionCreatedEvent,
  type SessionEndedEvent,
  type SessionExpiredEvent,
  type SessionManagerEvents,
  type SessionStoreEvents,
  type StoreDegradedEvent,
  type StoreRecoveredEvent,
  sessionManagerEventNames,
  sessionStoreEventNames,
} from './events.js';
export {
  applyDelta,
  newSession,
  type Session,
  type SessionDelta,
  type SessionInit,
  type SessionQuery,
  type SessionTokens,
} from './session.js';
export { type RequestOutcome, SessionManager, type SessionManagerStats } from './session-manager.js';
export type { CreateResult, SessionStore, SessionStoreStats } from './session-store.js';

/** The name this package is published under. */
export const packageName = '@relay/session-store';
