import type { IncomingMessage } from 'node:http';
import type { BodyBytesLease } from './client-body-budget.js';
import { readJsonBody } from './json-body.js';

/** The most an admin request body may carry: a key with 64 model patterns and every limit fits many times. */
export const adminBodyBytes = 64 * 1024;

// Admin bodies are capped far below any client budget: nothing to hold them against.
const unbudgeted: BodyBytesLease = { add: () => {}, release: () => {} };

/**
 * Reads and parses the JSON body of an admin request: 415 for another content type, 413 past `adminBodyBytes`,
 * 400 when it is not JSON (the client request path's reader, so the same rules and messages).
 */
export async function readAdminJson(request: IncomingMessage): Promise<unknown> {
  const body = await readJsonBody(request, adminBodyBytes, unbudgeted);
  return JSON.parse(body.raw.toString('utf8')) as unknown;
}
