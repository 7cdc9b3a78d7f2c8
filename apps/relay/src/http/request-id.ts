import { randomBytes } from 'node:crypto';

// Request ids are unique, not secret: a random per-process prefix and a counter cost nothing per request.
const requestIdPrefix = `req_${randomBytes(6).toString('hex')}`;
let requestCounter = 0;

/** The next request id of this process, e.g. `req_3f9c0a1b2c3d0000002s`. */
export function nextRequestId(): string {
  requestCounter += 1;
  return `${requestIdPrefix}${requestCounter.toString(36).padStart(8, '0')}`;
}
