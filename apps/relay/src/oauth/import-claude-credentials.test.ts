import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importClaudeCredentials } from './import-claude-credentials.js';

const claudeFile = (directory: string, oauth: Record<string, unknown>) => {
  const path = join(directory, '.credentials.json');
  writeFileSync(
    path,
    JSON.stringify({ claudeAiOauth: { scopes: ['user:inference'], subscriptionType: 'max', ...oauth } }),
  );
  return path;
};
const login = { accessToken: 'sk-ant-oat01-aaa', refreshToken: 'sk-ant-ort01-bbb', expiresAt: 1_900_000_000_000 };

describe('importClaudeCredentials', () => {
  it('adds an OAuth account to the config file, mode 0600, keeping the rest of the config', () => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-import-'));
    const configFile = join(directory, 'relay.json');
    writeFileSync(
      configFile,
      JSON.stringify({ listen: { port: 3001 }, accounts: [{ id: 'claude-1', apiKey: 'sk-ant-x' }] }),
    );
    const result = importClaudeCredentials({ configFile, credentialsFile: claudeFile(directory, login) });
    expect(result).toEqual({ id: 'claude-2', replaced: false });
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    expect(config.listen).toEqual({ port: 3001 });
    expect(config.accounts[1]).toEqual({ id: 'claude-2', oauth: login });
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
  });

  it('replaces the credential of an account with --id, keeping its other settings', () => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-import-'));
    const configFile = join(directory, 'relay.json');
    writeFileSync(configFile, JSON.stringify({ accounts: [{ id: 'max', oauthToken: 'old', priority: 2 }] }));
    const result = importClaudeCredentials({ configFile, credentialsFile: claudeFile(directory, login), id: 'max' });
    expect(result).toEqual({ id: 'max', replaced: true });
    expect(JSON.parse(readFileSync(configFile, 'utf8')).accounts).toEqual([{ id: 'max', priority: 2, oauth: login }]);
  });

  it.each([
    ['a file that is not JSON', 'nope', /not JSON/],
    ['a file without claudeAiOauth', '{"other":{}}', /no valid claudeAiOauth/],
    [
      'a file without a refresh token',
      JSON.stringify({ claudeAiOauth: { accessToken: 'a', expiresAt: 1 } }),
      /refreshToken/,
    ],
  ])('refuses %s without echoing it', (_name, text, message) => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-import-'));
    const credentialsFile = join(directory, '.credentials.json');
    writeFileSync(credentialsFile, text);
    const attempt = () => importClaudeCredentials({ configFile: join(directory, 'relay.json'), credentialsFile });
    expect(attempt).toThrow(message);
  });
});
