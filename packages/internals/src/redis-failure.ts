import { ReplyError } from 'ioredis';

// Redis replies that mean "not now" rather than "wrong command".
const unavailableReplies = /^(CLUSTERDOWN|LOADING|MASTERDOWN|TRYAGAIN|READONLY|BUSY)/;

/**
 * True for a plain command error (a reply such as `ERR …` or `WRONGTYPE …`), which is the caller's to see as it is;
 * anything else (a timeout, a closed connection, a reply that means "not now") means Redis is unavailable.
 */
export function isCommandError(error: unknown): error is Error {
  return error instanceof ReplyError && error instanceof Error && !unavailableReplies.test(error.message);
}
