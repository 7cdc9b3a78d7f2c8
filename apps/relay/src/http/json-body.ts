import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';
import { BodyScanner, MalformedBodyError, type ScannedBody } from './body-scanner.js';
import type { BodyBytesLease } from './client-body-budget.js';

/** The JSON body of a client request: the bytes as received, and the routing fields read from them. */
export type ParsedBody = ScannedBody;

// The scan of a large body gives the event loop back after each slice (about a millisecond of work), so four
// 32 MiB bodies in flight delay another request by a few milliseconds, not by their whole scan.
const scanSliceBytes = 128 * 1024;
const preallocateFromBytes = 1024 * 1024;

// The rest of a body over the limit is never read, so the connection cannot carry another request: closed.
const tooLarge = () =>
  new ApiError(413, 'request_too_large', 'the request body is larger than the relay accepts', { connection: 'close' });

/** True when the request carries a body: a non-zero content-length, or a transfer-encoding. */
export function hasBody(request: IncomingMessage): boolean {
  const contentLength = request.headers['content-length'];
  return (contentLength !== undefined && contentLength !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/** True for `application/json`, with or without parameters (`; charset=utf-8`), in any case. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mediaType === 'application/json';
}

/**
 * Reads a JSON request body of at most `limit` bytes, holding them against the client's `lease`, and scans it
 * for the routing fields without parsing it. Throws ApiError 415 for another content type, 413 when the
 * content-length announces more than the limit (nothing is read) or when a chunked body passes it (reading
 * stops there; the error carries `connection: close`), 429 when the client's bodies in flight would pass its
 * budget (likewise), 400 when the bytes are not JSON.
 */
export async function readJsonBody(
  request: IncomingMessage,
  limit: number,
  lease: BodyBytesLease,
): Promise<ParsedBody> {
  if (!isJsonContentType(request.headers['content-type'])) {
    throw new ApiError(415, 'invalid_request_error', 'the request body must be JSON (content-type: application/json)');
  }
  const contentLength = request.headers['content-length'];
  const announced = contentLength === undefined ? 0 : Number(contentLength);
  if (announced > limit) throw tooLarge();
  if (announced > 0) lease.add(announced);
  const raw = await readLimited(request, limit, lease, announced);
  const scanner = new BodyScanner(raw);
  try {
    // A body within one slice (nearly every request) is scanned at once, without a wait.
    while (!scanner.step(scanSliceBytes)) await new Promise((resolve) => setImmediate(resolve));
  } catch (error) {
    if (error instanceof MalformedBodyError) {
      throw new ApiError(400, 'invalid_request_error', `the request body is not valid JSON: ${error.message}`);
    }
    throw error;
  }
  return { raw, fields: scanner.fields };
}

/**
 * The body's bytes; rejects once they pass `limit` or the client's budget (beyond the `announced` bytes
 * already held for it), or when the client goes away before the end.
 */
function readLimited(
  request: IncomingMessage,
  limit: number,
  lease: BodyBytesLease,
  announced: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let charged = announced;
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    // A large announced body is copied into place chunk by chunk as it comes: one concat of 32 MiB at the end
    // would hold the event loop for tens of milliseconds.
    const target = announced > preallocateFromBytes ? Buffer.allocUnsafe(announced) : undefined;
    let length = 0;
    const finish = (error: Error | undefined) => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      if (error) reject(error);
      else if (target) resolve(target.subarray(0, length));
      else resolve(chunks ? Buffer.concat(chunks, length) : (first ?? Buffer.alloc(0)));
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        // Stop reading: the 413 goes out with `connection: close`, and the rest is never buffered.
        request.pause();
        finish(tooLarge());
        return;
      }
      if (length > charged) {
        try {
          lease.add(length - charged);
        } catch (error) {
          request.pause();
          finish(error as Error);
          return;
        }
        charged = length;
      }
      if (target) chunk.copy(target, length - chunk.length);
      else if (first === undefined) first = chunk;
      else if (chunks === undefined) chunks = [first, chunk];
      else chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onError = (error: Error) => finish(error);
    const onClose = () => finish(new ApiError(400, 'invalid_request_error', 'the client closed the request early'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}
