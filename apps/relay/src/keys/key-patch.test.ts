import { describe, expect, it } from 'vitest';
import { applyKeyPatch, type KeyPatch } from './key-patch.js';
import type { KeyRecord } from './key-record.js';

const record: KeyRecord = {
  id: 'ci',
  keyHash: 'a'.repeat(64),
  userId: 'alice',
  models: ['claude-sonnet-*'],
  expiresAt: 2_000_000_000_000,
  limits: { requestsPerMinute: 60 },
  createdAt: 1_700_000_000_000,
};

describe('applyKeyPatch', () => {
  it.each<[string, KeyPatch, Partial<KeyRecord>]>([
    ['an empty patch changes nothing', {}, {}],
    ['a value replaces a field', { models: ['claude-haiku-*'] }, { models: ['claude-haiku-*'] }],
    ['limits are replaced whole', { limits: { tokensPerMinute: 5 } }, { limits: { tokensPerMinute: 5 } }],
    ['null removes a field', { expiresAt: null, userId: null }, { expiresAt: undefined, userId: undefined }],
    ['several fields at once', { userId: 'bob', limits: null }, { userId: 'bob', limits: undefined }],
  ])('%s', (_name, patch, changed) => {
    const next = applyKeyPatch(record, patch);
    const expected = Object.fromEntries(
      Object.entries({ ...record, ...changed }).filter(([, value]) => value !== undefined),
    );
    expect(next).toEqual(expected);
    for (const [field, value] of Object.entries(changed)) if (value === undefined) expect(field in next).toBe(false);
  });

  it('never changes the id, the hash or the creation time', () => {
    const next = applyKeyPatch(record, { id: 'other', keyHash: 'b', createdAt: 1 } as unknown as KeyPatch);
    expect([next.id, next.keyHash, next.createdAt]).toEqual([record.id, record.keyHash, record.createdAt]);
  });
});
