import { describe, expect, it } from 'vitest';
import { Account } from './account.js';
import { clientResponseHeaders, isForwardedRequestHeader, upstreamRequestHeaders } from './upstream-headers.js';

describe('isForwardedRequestHeader', () => {
  it.each([
    ['anthropic-version', true],
    ['anthropic-beta', true],
    ['x-stainless-retry-count', true],
    ['x-claude-code-session-id', true],
    ['x-app', true],
    ['content-type', true],
    ['accept', true],
    ['user-agent', true],
    ['idempotency-key', true],
    ['x-api-key', false],
    ['authorization', false],
    ['cookie', false],
    ['via', false],
    ['true-client-ip', false],
    ['cf-connecting-ip', false],
    ['x-forwarded-for', false],
    ['x-forwarded-port', false],
    ['x-original-url', false],
    ['x-real-ip', false],
    ['forwarded', false],
    ['host', false],
    ['content-length', false],
    ['transfer-encoding', false],
    ['accept-encoding', false],
  ])('%s → %s', (name, forwarded) => {
    expect(isForwardedRequestHeader(name)).toBe(forwarded);
  });
});

describe('upstreamRequestHeaders', () => {
  it('drops an allow-listed header that the client’s Connection lists', () => {
    const account = new Account({ id: 'a', apiKey: 'sk-ant-a', priority: 0, maxConcurrency: 1 });
    const headers = upstreamRequestHeaders(
      { connection: 'keep-alive, X-Stainless-Lang', 'x-stainless-lang': 'js', 'anthropic-version': '2023-06-01' },
      account,
    );
    expect(headers['x-stainless-lang']).toBeUndefined();
    expect(headers['anthropic-version']).toBe('2023-06-01');
    expect(headers['accept-encoding']).toBe('identity');
  });
});

describe('clientResponseHeaders', () => {
  it('drops every hop-by-hop header and the names the upstream’s Connection lists', () => {
    const headers = clientResponseHeaders({
      'content-type': 'application/json',
      'request-id': 'req_1',
      connection: 'keep-alive, X-Internal-Route',
      'x-internal-route': 'pod-7',
      'keep-alive': 'timeout=5',
      trailer: 'x-checksum',
      'transfer-encoding': 'chunked',
      upgrade: 'h2c',
      'proxy-authenticate': 'Basic realm="upstream"',
      'proxy-connection': 'keep-alive',
      te: 'trailers',
    });
    expect(headers).toEqual({ 'content-type': 'application/json', 'request-id': 'req_1' });
  });
});
