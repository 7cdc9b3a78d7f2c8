import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

/** The JSON body of a client request: the bytes as received, and their parse. */
export interface ParsedBody {
  raw: Buffer;
  json: unknown;
}

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
 * Reads a JSON request body of at most `limit` bytes. Throws ApiError 415 for another content type, 413 when
 * the content-length announces more than the limit (nothing is read) or when a chunked body passes it
 * (reading stops there; the error carries `connection: close`), 400 when the bytes are not JSON.
 */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<ParsedBody> {
  if (!isJsonContentType(request.headers['content-type'])) {
    throw new ApiError(415, 'invalid_request_error', 'the request body must be JSON (content-type: application/json)');
  }
  const contentLength = request.headers['content-length'];
  if (contentLength !== undefined && Number(contentLength) > limit) throw tooLarge();
  const raw = await readLimited(request, limit);
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new ApiError(400, 'invalid_request_error', `the request body is not valid JSON: ${(error as Error).message}`);
  }
  return { raw, json };
}

/** The body's bytes; rejects once they pass `limit`, or when the client goes away before the end. */
function readLimited(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let length = 0;
    const finish = (error: Error | undefined) => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      if (error) reject(error);
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
      if (first === undefined) first = chunk;
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
