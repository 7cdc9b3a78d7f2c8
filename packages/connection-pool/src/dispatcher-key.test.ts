import { describe, expect, it } from 'vitest';
import { createDispatcherKey, DispatcherKeyResolver, parseProxy, redactProxyUrl } from './dispatcher-key.js';
import { InvalidOptionError } from './errors.js';

describe('dispatcher keys', () => {
  it('normalises the origin and the proxy, with default ports', () => {
    const key = createDispatcherKey('HTTPS://API.Anthropic.com:443/', 'socks5h://proxy.example');
    expect(key.origin).toBe('https://api.anthropic.com');
    expect(key.proxy).toMatchObject({ protocol: 'socks5h:', hostname: 'proxy.example', port: 1080 });
    expect(key.label).toBe('https://api.anthropic.com via socks5h://proxy.example:1080');
    expect(createDispatcherKey('https://api.anthropic.com').label).toBe('https://api.anthropic.com');
    expect(parseProxy('http://[::1]:3128')).toMatchObject({ hostname: '::1', port: 3128 });
  });

  it('redacts credentials from labels and keeps two accounts on one proxy host apart', () => {
    const first = createDispatcherKey('https://api.anthropic.com', 'http://alice:pa%40ss@proxy.example:3128');
    const second = createDispatcherKey('https://api.anthropic.com', 'http://bob:other@proxy.example:3128');
    expect(first.proxy).toMatchObject({
      username: 'alice',
      password: 'pa@ss',
      redacted: 'http://***@proxy.example:3128',
    });
    expect(first.label).toMatch(/^https:\/\/api\.anthropic\.com via http:\/\/\*\*\*@proxy\.example:3128#[0-9a-f]{12}$/);
    expect(first.label).not.toContain('alice');
    expect(first.label).not.toContain('pa@ss');
    expect(first.label).not.toBe(second.label);
    expect(first.id).not.toBe(second.id);
    expect(redactProxyUrl('socks5://user:secret@10.0.0.1:1080')).toBe('socks5://***@10.0.0.1:1080');
    expect(redactProxyUrl('not a url with secret')).toBe('[invalid proxy URL]');
  });

  it('rejects bad origins and proxies with an InvalidOptionError that never echoes the input', () => {
    expect(() => createDispatcherKey('ftp://example.com')).toThrow(InvalidOptionError);
    expect(() => createDispatcherKey('https://example.com/v1/messages')).toThrow(/no path/);
    expect(() => createDispatcherKey('https://user:pw@example.com')).toThrow(/credentials/);
    const failure = (() => {
      try {
        createDispatcherKey('https://example.com', 'socks4://user:hunter2@proxy');
      } catch (error) {
        return error as InvalidOptionError;
      }
    })();
    expect(failure).toMatchObject({ code: 'RELAY_ERR_POOL_INVALID_OPTION', option: 'proxy' });
    expect(failure?.message).not.toContain('hunter2');
  });

  it('memoises resolution on the raw strings', () => {
    const resolver = new DispatcherKeyResolver(10);
    const key = resolver.resolve('https://api.anthropic.com', undefined);
    expect(resolver.resolve('https://api.anthropic.com', undefined)).toBe(key);
    expect(resolver.resolve('https://api.anthropic.com/', undefined).id).toBe(key.id);
  });
});
