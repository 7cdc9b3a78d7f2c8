import { type IndexedField, indexedFields } from '../session.js';

/** What a session write knows about the session before and after it, for its find-by index entries. */
export interface IndexMoveFacts {
  /** The write created the session (without the caller's snapshot: nothing is indexed yet). */
  readonly created: boolean;
  /** Index score (see redis-core) of the expiry before the write and after it. */
  readonly previousScore: number;
  readonly score: number;
  /** The account stored before the write, and the one the write sets (undefined: it sets none). */
  readonly previousAccountId: string | undefined;
  readonly accountId: string | undefined;
}

const accountOnly: readonly IndexedField[] = ['accountId'];
const none: readonly IndexedField[] = [];

/**
 * The index entries a session write must (re)write: all of them for a new session or an expiry that crossed into a
 * later score step, the account's alone when the account really changed, none otherwise. A write that sets the
 * account it already had (the relay records the account with every request) moves nothing.
 */
export function indexMoves(facts: IndexMoveFacts): readonly IndexedField[] {
  if (facts.created || facts.score > facts.previousScore) return indexedFields;
  if (facts.accountId !== undefined && facts.accountId !== facts.previousAccountId) return accountOnly;
  return none;
}
