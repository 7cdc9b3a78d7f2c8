import type { ServerResponse } from 'node:http';
import { type ApiError, apiErrorBody } from './api-error.js';

/** Answers with a JSON value (and the request id), as the relay's own routes do. */
export function sendJson(
  response: ServerResponse,
  statusCode: number,
  value: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  sendText(response, statusCode, JSON.stringify(value), 'application/json; charset=utf-8', requestId, headers);
}

/** Answers with a text body of the given content type (and the request id). */
export function sendText(
  response: ServerResponse,
  statusCode: number,
  body: string,
  contentType: string,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(statusCode, {
    ...headers,
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(body)),
    'request-id': requestId,
  });
  response.end(body);
}

/** Writes an ApiError in the API's error shape, unless the response has started (then only ends it). */
export function sendApiError(response: ServerResponse, error: ApiError, requestId: string): void {
  if (response.headersSent || response.destroyed) {
    if (!response.writableEnded) response.destroy();
    return;
  }
  const body = apiErrorBody(error.errorType, error.message, requestId);
  response.writeHead(error.statusCode, {
    ...error.headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'request-id': requestId,
  });
  response.end(body);
}
