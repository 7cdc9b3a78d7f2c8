import { afterEach, describe, expect, it } from 'vitest';
import { createMockAnthropic, type MockAnthropic } from './index.js';

const clientId = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';

async function message(mock: MockAnthropic, key: string) {
  return await fetch(`${mock.url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

describe('the mock as an OAuth upstream', () => {
  let mock: MockAnthropic | undefined;
  afterEach(async () => mock?.close());

  it('refreshes over POST /v1/oauth/token with rotation, and answers 401 to an expired token it issued', async () => {
    mock = await createMockAnthropic();
    const login = mock.oauth.issue(0);
    expect((await message(mock, login.accessToken)).status).toBe(401);
    const refreshed = await fetch(`${mock.url}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: login.refreshToken, client_id: clientId }),
    });
    expect(refreshed.status).toBe(200);
    const tokens = (await refreshed.json()) as { access_token: string; refresh_token: string };
    expect((await message(mock, tokens.access_token)).status).toBe(200);
    const reused = await fetch(`${mock.url}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: login.refreshToken, client_id: clientId }),
    });
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('adds scripted response headers to every answer, per key', async () => {
    mock = await createMockAnthropic();
    mock.setResponseHeaders({ 'anthropic-ratelimit-unified-status': 'allowed' });
    mock.setResponseHeaders(
      { 'anthropic-ratelimit-unified-status': 'allowed_warning', 'anthropic-ratelimit-unified-5h-utilization': '0.97' },
      { apiKey: 'key-97' },
    );
    const other = await message(mock, 'key-10');
    const warned = await message(mock, 'key-97');
    expect(other.headers.get('anthropic-ratelimit-unified-status')).toBe('allowed');
    expect(warned.headers.get('anthropic-ratelimit-unified-status')).toBe('allowed_warning');
    expect(warned.headers.get('anthropic-ratelimit-unified-5h-utilization')).toBe('0.97');
    mock.clearResponseHeaders();
    expect((await message(mock, 'key-97')).headers.get('anthropic-ratelimit-unified-status')).toBeNull();
  });
});
