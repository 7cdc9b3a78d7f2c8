import type { Session } from './session.js';

/** Payload of `session-expired`: the store noticed a session passed its expiry. */
export interface SessionExpiredEvent {
  readonly sessionId: string;
}

/** Payload of `store-degraded`: Redis failed; the hybrid store keeps serving from memory. */
export interface StoreDegradedEvent {
  readonly error: Error;
  /** Changes held for replay when the store degraded. */
  readonly unsyncedChanges: number;
}

/** Payload of `store-recovered`: Redis answers again and the held changes were replayed. */
export interface StoreRecoveredEvent {
  /** How long the store was degraded. */
  readonly degradedMs: number;
  /** Sessions and affinities replayed into Redis by the sync that recovered. */
  readonly replayedChanges: number;
}

/** Payload of `changes-dropped`: the queue of unsynced changes overflowed and its oldest entries were dropped. */
export interface ChangesDroppedEvent {
  readonly sessionIds: readonly string[];
  /** Total dropped since the store started. */
  readonly totalDropped: number;
}

/** Payload of `batch-synced`: one batch of queued changes reached Redis. */
export interface BatchSyncedEvent {
  readonly changes: number;
  readonly durationMs: number;
}

/**
 * Payload of `message-rejected`: something read from Redis did not decode (any Redis peer can write there), so it
 * was dropped: a change announcement (the cached copies it names stay until their cache TTL) or a session hash
 * (read as no session).
 */
export interface MessageRejectedEvent {
  readonly source: 'change-channel' | 'session-hash';
  /** The channel or key it was read from. */
  readonly key: string;
  /** What was wrong with it. */
  readonly reason: string;
}

/** Events a store emits, by name. */
export interface SessionStoreEvents {
  'session-expired': SessionExpiredEvent;
  'store-degraded': StoreDegradedEvent;
  'store-recovered': StoreRecoveredEvent;
  'changes-dropped': ChangesDroppedEvent;
  'batch-synced': BatchSyncedEvent;
  'message-rejected': MessageRejectedEvent;
}

/** Payload of `session-created`. */
export interface SessionCreatedEvent {
  readonly session: Session;
}

/** Payload of `session-ended`. */
export interface SessionEndedEvent {
  readonly sessionId: string;
}

/** Payload of `request-recorded`: one request's outcome was added to its session. */
export interface RequestRecordedEvent {
  readonly sessionId: string;
  readonly ok: boolean;
  readonly status: number;
  readonly latencyMs: number;
  readonly accountId: string | undefined;
}

/** Payload of `affinity-changed`: a session now sticks to another account (or to none). */
export interface AffinityChangedEvent {
  readonly sessionId: string;
  readonly accountId: string | undefined;
  readonly previousAccountId: string | undefined;
}

/** Events a `SessionManager` emits, by name: its own and every store event. */
export interface SessionManagerEvents extends SessionStoreEvents {
  'session-created': SessionCreatedEvent;
  'session-ended': SessionEndedEvent;
  'request-recorded': RequestRecordedEvent;
  'affinity-changed': AffinityChangedEvent;
}

/** The names of the store events (what a manager forwards). */
export const sessionStoreEventNames = [
  'session-expired',
  'store-degraded',
  'store-recovered',
  'changes-dropped',
  'batch-synced',
  'message-rejected',
] as const satisfies readonly (keyof SessionStoreEvents)[];

/** The names of every event a `SessionManager` emits, for collectors that attach to all of them. */
export const sessionManagerEventNames = [
  'session-created',
  'session-ended',
  'request-recorded',
  'affinity-changed',
  ...sessionStoreEventNames,
] as const satisfies readonly (keyof SessionManagerEvents)[];
