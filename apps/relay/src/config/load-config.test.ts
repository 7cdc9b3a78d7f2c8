import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

function writeConfig(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'relay-config-')), 'relay.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('loadConfig', () => {
  it('fills in the documented defaults when nothing is configured', () => {
    const config = loadConfig({ environment: {} });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(config.upstream.baseUrl).toBe('https://api.anthropic.com');
    expect(config.upstream.warmup).toBe(true);
    expect(config.sessions.store).toBe('memory');
    expect(config.sessions.syncIntervalMs).toBe(1000);
    expect(config.limits.bodyBytes).toBe(32 * 1024 * 1024);
    expect(config.accounts).toEqual([]);
  });

  it('reads the JSON file and lets the environment override any field', () => {
    const file = writeConfig({
      listen: { port: 4000 },
      sessions: { store: 'hybrid' },
      accounts: [{ id: 'primary', apiKey: 'sk-ant-file' }],
    });
    const config = loadConfig({
      file,
      environment: {
        RELAY_LISTEN__PORT: '5000',
        RELAY_SESSIONS__SYNC_INTERVAL_MS: '250',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999',
        REDIS_URL: 'redis://127.0.0.1:6390',
        RELAY_ADMIN_TOKEN: 'a-long-enough-admin-token',
        ANTHROPIC_API_KEY: 'sk-ant-env',
      },
    });
    expect(config.listen.port).toBe(5000);
    expect(config.sessions).toMatchObject({ store: 'hybrid', syncIntervalMs: 250, redisUrl: 'redis://127.0.0.1:6390' });
    expect(config.upstream.baseUrl).toBe('http://127.0.0.1:9999');
    expect(config.admin.token).toBe('a-long-enough-admin-token');
    expect(config.accounts.map((account) => account.id)).toEqual(['primary', 'env']);
  });

  it('names the offending field, and never prints its value', () => {
    const file = writeConfig({ accounts: [{ id: 'a', apiKey: 'sk-ant-secret-value', proxy: 'ftp://nope' }] });
    const error = (() => {
      try {
        loadConfig({ file, environment: {} });
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.field).toBe('accounts[0].proxy');
    expect(error?.message).toContain('accounts[0].proxy');
    expect(error?.message).not.toContain('sk-ant-secret-value');
  });

  it('rejects unknown fields, a bad port from the environment, duplicate ids and an account with two credentials', () => {
    expect(() => loadConfig({ file: writeConfig({ listen: { prot: 1 } }), environment: {} })).toThrow(/listen.*prot/);
    expect(() => loadConfig({ environment: { RELAY_LISTEN__PORT: 'eighty' } })).toThrow(/listen\.port/);
    const duplicate = writeConfig({
      accounts: [
        { id: 'a', apiKey: 'k1' },
        { id: 'a', apiKey: 'k2' },
      ],
    });
    expect(() => loadConfig({ file: duplicate, environment: {} })).toThrow(/accounts\[1\]\.id/);
    const both = writeConfig({ accounts: [{ id: 'a', apiKey: 'k', oauthToken: 't' }] });
    expect(() => loadConfig({ file: both, environment: {} })).toThrow(/exactly one of apiKey, oauthToken or oauth/);
  });

  it('reports a file that is missing or not JSON', () => {
    expect(() => loadConfig({ file: '/nonexistent/relay.json', environment: {} })).toThrow(/cannot read config file/);
    expect(() => loadConfig({ file: writeConfig('{ not json'), environment: {} })).toThrow(/not valid JSON/);
  });
});
