import type { RelayProcess } from './relay-process.js';

/** What a test's Messages request may vary. */
export interface MessageRequestOptions {
  /** Sent as `x-claude-code-session-id`, as Claude Code does. */
  sessionId?: string;
  stream?: boolean;
  /** Extra body fields (override the defaults). */
  body?: Record<string, unknown>;
  signal?: AbortSignal;
}

/** The `fetch` init of a small `POST /v1/messages` as a Claude client sends it with `clientKey`. */
export function messageRequest(clientKey: string, options: MessageRequestOptions = {}): RequestInit {
  return {
    method: 'POST',
    headers: {
      'x-api-key': clientKey,
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      ...(options.sessionId ? { 'x-claude-code-session-id': options.sessionId } : {}),
    },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
      ...(options.stream ? { stream: true } : {}),
      ...options.body,
    }),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** Sends `POST /v1/messages` to the relay with its client key. */
export function postMessage(
  relay: Pick<RelayProcess, 'url' | 'clientKey'>,
  options: MessageRequestOptions = {},
): Promise<Response> {
  return fetch(`${relay.url}/v1/messages`, messageRequest(relay.clientKey, options));
}
