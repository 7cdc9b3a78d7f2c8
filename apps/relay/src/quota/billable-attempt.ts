import type { BodyEnd } from '../upstream/attempt-end.js';

/** How the answering attempt is billed: `complete`, `incomplete` (cut, stalled, ended by an error), or not at all. */
export type Billing = 'complete' | 'incomplete' | undefined;

/**
 * Whether the attempt that answered the client is billed, and how. An error answer (status ≥ 400) carries no usage
 * and costs nothing; a 2xx answer is billed with the tokens it carried, as `incomplete` when its body did not end as
 * the API intends (a cut, stalled, malformed or error-ended stream, a client that went away).
 */
export function billingOf(statusCode: number, end: BodyEnd): Billing {
  if (statusCode >= 400) return undefined;
  return end === 'complete' ? 'complete' : 'incomplete';
}

// What the ledger accepts as an id: no braces or spaces (they end up in Redis key names), at most 256 characters.
const modelIdPattern = /^[A-Za-z0-9._:@/-]{1,128}$/;

/** The model a request is billed for: the response's, else the request's, else `unknown` (never an invalid id). */
export function billedModel(responseModel: string | undefined, requestModel: () => string | undefined): string {
  if (responseModel !== undefined && modelIdPattern.test(responseModel)) return responseModel;
  const requested = requestModel();
  return requested !== undefined && modelIdPattern.test(requested) ? requested : 'unknown';
}
