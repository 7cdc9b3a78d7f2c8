import { InvalidArgumentError } from './errors.js';

/** Token sums of a session, as the upstream reports them in `usage`. */
export interface SessionTokens {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheCreation: number;
}

/** One client session. Stores hand out immutable snapshots: a change makes a new object. */
export interface Session {
  readonly id: string;
  readonly userId?: string | undefined;
  readonly apiKeyId?: string | undefined;
  /** The upstream account the session last used. */
  readonly accountId?: string | undefined;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly lastActivityAt: number;
  /** Absolute expiry in epoch milliseconds; the store forgets the session then. */
  readonly expiresAt: number;
  readonly requestCount: number;
  readonly errorCount: number;
  readonly lastError?: string | undefined;
  readonly tokens: SessionTokens;
  /** A small string map; keep values short (<= 64 bytes) so a Redis hash stays a listpack. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** What a new session starts from. */
export interface SessionInit {
  readonly userId?: string | undefined;
  readonly apiKeyId?: string | undefined;
  readonly accountId?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

/** Counters to add and fields to set in one atomic change (`SessionStore.increment`). */
export interface SessionDelta {
  readonly requestCount?: number;
  readonly errorCount?: number;
  readonly tokens?: Partial<SessionTokens>;
  /** Replaces `lastError` when given. */
  readonly lastError?: string | undefined;
  /** Replaces `accountId` when given (the session moved to another account). */
  readonly accountId?: string | undefined;
}

/** A find-by query: every field given must match; at least one is required. */
export interface SessionQuery {
  readonly userId?: string;
  readonly apiKeyId?: string;
  readonly accountId?: string;
}

/** The fields a session can be found by. */
export const indexedFields = ['userId', 'apiKeyId', 'accountId'] as const;
export type IndexedField = (typeof indexedFields)[number];

const noMetadata: Readonly<Record<string, string>> = Object.freeze({});
const noTokens: SessionTokens = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheCreation: 0 });

/** Empty metadata and zero tokens are shared frozen objects, so an idle session costs no extra allocations. */
export function emptyMetadata(): Readonly<Record<string, string>> {
  return noMetadata;
}

/** A fresh session: counters at zero, expiring `ttlMs` from `now`. */
export function newSession(id: string, init: SessionInit, now: number, ttlMs: number): Session {
  return {
    id,
    userId: init.userId,
    apiKeyId: init.apiKeyId,
    accountId: init.accountId,
    createdAt: now,
    lastActivityAt: now,
    expiresAt: now + ttlMs,
    requestCount: 0,
    errorCount: 0,
    lastError: undefined,
    tokens: noTokens,
    metadata: init.metadata && Object.keys(init.metadata).length > 0 ? { ...init.metadata } : noMetadata,
  };
}

/** `session` with the delta added and its activity recorded: lastActivityAt = now, expiresAt = now + ttlMs. */
export function applyDelta(session: Session, delta: SessionDelta, now: number, ttlMs: number): Session {
  const tokens = delta.tokens;
  return {
    ...session,
    accountId: delta.accountId ?? session.accountId,
    lastError: delta.lastError ?? session.lastError,
    lastActivityAt: now,
    expiresAt: Math.max(session.expiresAt, now + ttlMs),
    requestCount: session.requestCount + (delta.requestCount ?? 0),
    errorCount: session.errorCount + (delta.errorCount ?? 0),
    tokens: tokens
      ? {
          input: session.tokens.input + (tokens.input ?? 0),
          output: session.tokens.output + (tokens.output ?? 0),
          cacheRead: session.tokens.cacheRead + (tokens.cacheRead ?? 0),
          cacheCreation: session.tokens.cacheCreation + (tokens.cacheCreation ?? 0),
        }
      : session.tokens,
  };
}

/** `session` slid: lastActivityAt = now, expiresAt = now + ttlMs (never earlier than it was). */
export function touchSession(session: Session, now: number, ttlMs: number): Session {
  return { ...session, lastActivityAt: now, expiresAt: Math.max(session.expiresAt, now + ttlMs) };
}

/** Sums two deltas (counters add up, the later fields win), so that queued changes merge instead of overwriting. */
export function mergeDeltas(earlier: SessionDelta, later: SessionDelta): SessionDelta {
  const tokens =
    earlier.tokens || later.tokens
      ? {
          input: (earlier.tokens?.input ?? 0) + (later.tokens?.input ?? 0),
          output: (earlier.tokens?.output ?? 0) + (later.tokens?.output ?? 0),
          cacheRead: (earlier.tokens?.cacheRead ?? 0) + (later.tokens?.cacheRead ?? 0),
          cacheCreation: (earlier.tokens?.cacheCreation ?? 0) + (later.tokens?.cacheCreation ?? 0),
        }
      : undefined;
  return {
    requestCount: (earlier.requestCount ?? 0) + (later.requestCount ?? 0),
    errorCount: (earlier.errorCount ?? 0) + (later.errorCount ?? 0),
    ...(tokens ? { tokens } : {}),
    lastError: later.lastError ?? earlier.lastError,
    accountId: later.accountId ?? earlier.accountId,
  };
}

/** True when `session` matches every field given in `query`. */
export function matchesQuery(session: Session, query: SessionQuery): boolean {
  return (
    (query.userId === undefined || session.userId === query.userId) &&
    (query.apiKeyId === undefined || session.apiKeyId === query.apiKeyId) &&
    (query.accountId === undefined || session.accountId === query.accountId)
  );
}

/** The first indexed field the query names (the index a backend reads); throws when it names none. */
export function queryIndex(query: SessionQuery): { field: IndexedField; value: string } {
  for (const field of indexedFields) {
    const value = query[field];
    if (typeof value === 'string') return { field, value };
  }
  throw new InvalidArgumentError('query', 'one of userId, apiKeyId or accountId', query);
}

/** Throws unless `id` is a non-empty string. */
export function assertSessionId(id: string): void {
  if (typeof id !== 'string' || id.length === 0) throw new InvalidArgumentError('session id', 'a non-empty string', id);
}
