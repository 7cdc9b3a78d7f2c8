import { emptyMetadata, type IndexedField, type Session, type SessionDelta } from '../session.js';

// One-letter field names keep each hash small enough for Redis's listpack encoding and its bytes per session low.
// Counters at zero are not stored at all: HINCRBY creates them on first use.
export const sessionFields = {
  userId: 'u',
  apiKeyId: 'k',
  accountId: 'a',
  createdAt: 'c',
  lastActivityAt: 'l',
  expiresAt: 'x',
  requestCount: 'n',
  errorCount: 'e',
  lastError: 'E',
  input: 'ti',
  output: 'to',
  cacheRead: 'tr',
  cacheCreation: 'tc',
  metadata: 'm',
} as const;

/** The hash fields of the indexed session fields. */
export const indexedHashFields: Record<IndexedField, string> = { userId: 'u', apiKeyId: 'k', accountId: 'a' };

/** The session as flat [field, value, ...] pairs for HSET (zero counters and absent fields left out). */
export function encodeSession(session: Session): string[] {
  const pairs: string[] = [];
  const add = (field: string, value: string | number | undefined) => {
    if (value !== undefined) pairs.push(field, String(value));
  };
  const addCount = (field: string, value: number) => {
    if (value !== 0) pairs.push(field, String(value));
  };
  add(sessionFields.userId, session.userId);
  add(sessionFields.apiKeyId, session.apiKeyId);
  add(sessionFields.accountId, session.accountId);
  add(sessionFields.createdAt, session.createdAt);
  // Until the first activity lastActivityAt equals createdAt, which decoding assumes when the field is absent.
  if (session.lastActivityAt !== session.createdAt) add(sessionFields.lastActivityAt, session.lastActivityAt);
  add(sessionFields.expiresAt, session.expiresAt);
  addCount(sessionFields.requestCount, session.requestCount);
  addCount(sessionFields.errorCount, session.errorCount);
  add(sessionFields.lastError, session.lastError);
  addCount(sessionFields.input, session.tokens.input);
  addCount(sessionFields.output, session.tokens.output);
  addCount(sessionFields.cacheRead, session.tokens.cacheRead);
  addCount(sessionFields.cacheCreation, session.tokens.cacheCreation);
  if (Object.keys(session.metadata).length > 0) add(sessionFields.metadata, JSON.stringify(session.metadata));
  return pairs;
}

/** The delta's counters as [field, amount, ...] pairs for HINCRBY (zero amounts left out). */
export function encodeCounters(delta: SessionDelta): string[] {
  const pairs: string[] = [];
  const add = (field: string, value: number | undefined) => {
    if (value) pairs.push(field, String(value));
  };
  add(sessionFields.requestCount, delta.requestCount);
  add(sessionFields.errorCount, delta.errorCount);
  add(sessionFields.input, delta.tokens?.input);
  add(sessionFields.output, delta.tokens?.output);
  add(sessionFields.cacheRead, delta.tokens?.cacheRead);
  add(sessionFields.cacheCreation, delta.tokens?.cacheCreation);
  return pairs;
}

/** The delta's plain fields as [field, value, ...] pairs for HSET. */
export function encodeDeltaFields(delta: SessionDelta, lastActivityAt: number): string[] {
  const pairs = [sessionFields.lastActivityAt, String(lastActivityAt)];
  if (delta.lastError !== undefined) pairs.push(sessionFields.lastError, delta.lastError);
  if (delta.accountId !== undefined) pairs.push(sessionFields.accountId, delta.accountId);
  return pairs;
}

/** A [field, value, ...] array (a Lua script's HGETALL) as a record. */
export function pairsToRecord(pairs: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let index = 0; index + 1 < pairs.length; index += 2) record[pairs[index] as string] = pairs[index + 1] as string;
  return record;
}

/** Why a stored record was refused (the store reports it as `message-rejected`). */
export type RejectRecord = (reason: string) => void;

const ignoreRejection: RejectRecord = () => {};
const decimal = /^-?\d{1,16}$/;

/** The integer a hash field holds; undefined (and reported) when it is not one. */
function integerField(hash: Record<string, string>, field: string, fallback: number | undefined): number | undefined {
  const raw = hash[field];
  if (raw === undefined) return fallback;
  return decimal.test(raw) ? Number(raw) : undefined;
}

/** The metadata map a hash holds as JSON: a flat object of strings, or undefined when it is anything else. */
function decodeMetadata(raw: string): Record<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  for (const value of Object.values(parsed)) if (typeof value !== 'string') return undefined;
  return parsed as Record<string, string>;
}

/**
 * The session stored in a hash, or undefined when the hash is empty or incomplete. Redis is not trusted: a hash
 * whose fields do not decode (a counter that is not an integer, metadata that is not a map of strings) is refused
 * through `reject` and read as no session, never thrown.
 */
export function decodeSession(
  id: string,
  hash: Record<string, string>,
  reject: RejectRecord = ignoreRejection,
): Session | undefined {
  if (hash[sessionFields.createdAt] === undefined && hash[sessionFields.expiresAt] === undefined) return undefined;
  const createdAt = integerField(hash, sessionFields.createdAt, undefined);
  const expiresAt = integerField(hash, sessionFields.expiresAt, undefined);
  const lastActivityAt = integerField(hash, sessionFields.lastActivityAt, createdAt);
  const counters = [
    sessionFields.requestCount,
    sessionFields.errorCount,
    sessionFields.input,
    sessionFields.output,
    sessionFields.cacheRead,
    sessionFields.cacheCreation,
  ].map((field) => integerField(hash, field, 0));
  const rawMetadata = hash[sessionFields.metadata];
  const metadata = rawMetadata === undefined ? emptyMetadata() : decodeMetadata(rawMetadata);
  const [requestCount, errorCount, input, output, cacheRead, cacheCreation] = counters;
  if (
    createdAt === undefined ||
    expiresAt === undefined ||
    lastActivityAt === undefined ||
    requestCount === undefined ||
    errorCount === undefined ||
    input === undefined ||
    output === undefined ||
    cacheRead === undefined ||
    cacheCreation === undefined ||
    metadata === undefined
  ) {
    reject(`session hash ${JSON.stringify(id)} holds fields that do not decode`);
    return undefined;
  }
  return {
    id,
    userId: hash[sessionFields.userId],
    apiKeyId: hash[sessionFields.apiKeyId],
    accountId: hash[sessionFields.accountId],
    createdAt,
    lastActivityAt,
    expiresAt,
    requestCount,
    errorCount,
    lastError: hash[sessionFields.lastError],
    tokens: { input, output, cacheRead, cacheCreation },
    metadata,
  };
}
