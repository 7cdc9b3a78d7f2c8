import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateClientKey, hashClientKey } from './client-key.js';
import { ClientRegistry, presentedKey } from './client-registry.js';
import { StateFile } from './state-file.js';

describe('client keys', () => {
  it('authenticates a known key by its hash and refuses any other', () => {
    const key = generateClientKey();
    const registry = new ClientRegistry([
      { id: 'team', keyHash: hashClientKey(key), userId: undefined, maxConcurrency: 4 },
    ]);
    expect(registry.authenticate(key)?.id).toBe('team');
    expect(registry.authenticate(`${key}x`)).toBeUndefined();
    expect(registry.authenticate('')).toBeUndefined();
  });

  it('refuses a removed key and the old key of a replaced client from the next call on', () => {
    const [first, second, third] = [generateClientKey(), generateClientKey(), generateClientKey()];
    const client = (id: string, key: string) => ({
      id,
      keyHash: hashClientKey(key),
      userId: undefined,
      maxConcurrency: 1,
    });
    const registry = new ClientRegistry([client('a', first), client('b', second)]);
    registry.upsert(client('a', third));
    expect(registry.authenticate(first)).toBeUndefined();
    expect(registry.authenticate(third)?.id).toBe('a');
    expect(registry.remove('b')).toBe(true);
    expect(registry.authenticate(second)).toBeUndefined();
    expect(registry.remove('b')).toBe(false);
    expect(registry.size).toBe(1);
  });

  it('replaces the clients of one source and leaves the others', () => {
    const [config, stored, renamed] = [generateClientKey(), generateClientKey(), generateClientKey()];
    const registry = new ClientRegistry();
    registry.replaceSource('config', [
      { id: 'c', keyHash: hashClientKey(config), userId: undefined, maxConcurrency: 1 },
    ]);
    registry.replaceSource('store', [
      { id: 's', keyHash: hashClientKey(stored), userId: undefined, maxConcurrency: 1 },
    ]);
    registry.replaceSource('config', [
      { id: 'd', keyHash: hashClientKey(renamed), userId: undefined, maxConcurrency: 1 },
    ]);
    expect(registry.authenticate(config)).toBeUndefined();
    expect(registry.authenticate(renamed)?.id).toBe('d');
    expect(registry.authenticate(stored)?.source).toBe('store');
    expect(
      registry
        .list()
        .map((client) => client.id)
        .sort(),
    ).toEqual(['d', 's']);
  });

  it('tells its listeners the clients added, one call per upsert or replaced source', () => {
    const registry = new ClientRegistry();
    const calls: string[][] = [];
    registry.onAdded((added) => calls.push(added.map((client) => `${client.id}:${client.source}`)));
    const client = (id: string) => ({
      id,
      keyHash: hashClientKey(generateClientKey()),
      userId: undefined,
      maxConcurrency: 1,
    });
    registry.upsert({ ...client('made'), source: 'store' });
    registry.replaceSource('config', [client('c1'), client('c2')]);
    registry.remove('made');
    expect(calls).toEqual([['made:store'], ['c1:config', 'c2:config']]);
  });

  it('reads the key from x-api-key, else from a Bearer authorization', () => {
    expect(presentedKey({ 'x-api-key': 'k1', authorization: 'Bearer k2' })).toBe('k1');
    expect(presentedKey({ authorization: 'Bearer k2' })).toBe('k2');
    expect(presentedKey({ authorization: 'Basic abc' })).toBeUndefined();
    expect(presentedKey({})).toBeUndefined();
  });

  it('keeps only hashes in the state file, with owner-only permissions', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'relay-state-')), 'nested', 'state.json');
    const state = new StateFile(file);
    const first = state.createClientKey();
    const second = state.createClientKey('ci');
    expect(first.id).toBe('client-1');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(first.key);
    expect(text).not.toContain(second.key);
    expect(state.read().map((client) => client.keyHash)).toEqual([hashClientKey(first.key), hashClientKey(second.key)]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => state.createClientKey('ci')).toThrow(/exists/);
  });
});
