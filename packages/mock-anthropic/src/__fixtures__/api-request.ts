import { type Dispatcher, request } from 'undici';

/** Headers of an authenticated API request, as the SDK sends them. */
export function apiHeaders(apiKey = 'sk-ant-test-key'): Record<string, string> {
  return { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
}

/** A minimal valid Messages request body. */
export function messageBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4-6',
    max_tokens: 256,
    messages: [{ role: 'user', content: 'Say hello.' }],
    ...overrides,
  };
}

/** POSTs `body` (serialised unless it is a string) to `url` with undici and returns status, headers and text. */
export async function postJson(
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; dispatcher?: Dispatcher } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string; sent: string }> {
  const sent = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await request(url, {
    method: 'POST',
    headers: options.headers ?? apiHeaders(),
    body: sent,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text(), sent };
}
