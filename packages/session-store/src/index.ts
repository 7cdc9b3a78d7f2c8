// The public surface: the contract, the backends with their options, the manager, the errors and the events.
// Everything else (the memory cache, the Redis core, codecs, scripts) is internal and may change in any release;
// `public-surface.test.ts` holds this list to the README.
export { HybridSessionStore, type HybridSessionStoreOptions } from './backends/hybrid.js';
export { MemorySessionStore, type MemorySessionStoreOptions } from './backends/memory.js';
export { RedisSessionStore, type RedisSessionStoreOptions } from './backends/redis.js';
export type { RedisSource } from './backends/redis-connection.js';
export { type CreateSessionStoreOptions, createSessionStore } from './create-session-store.js';
export {
  InvalidArgumentError,
  InvalidOptionError,
  SessionStoreError,
  type SessionStoreErrorCode,
  StoreClosedError,
  StoreUnavailableError,
} from './errors.js';
export {
  type AffinityChangedEvent,
  type BatchSyncedEvent,
  type ChangesDroppedEvent,
  type MessageRejectedEvent,
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
  newSession,
  type Session,
  type SessionDelta,
  type SessionInit,
  type SessionQuery,
  type SessionTokens,
} from './session.js';
export { type RequestOutcome, SessionManager, type SessionManagerStats } from './session-manager.js';
export type { CreateResult, SessionStore, SessionStoreStats } from './session-store.js';
