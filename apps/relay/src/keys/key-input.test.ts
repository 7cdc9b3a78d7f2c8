import { describe, expect, it } from 'vitest';
import { KeyInputError, parseCreateKeyInput, parseKeyPatch } from './key-input.js';

describe('parseCreateKeyInput', () => {
  it('takes a full key and turns its expiry into epoch ms', () => {
    expect(
      parseCreateKeyInput({
        id: 'team-a',
        userId: 'alice',
        models: ['claude-sonnet-*'],
        expiresAt: '2026-04-01T00:00:00Z',
        limits: { requestsPerMinute: 60, budgets: [{ usd: 20, window: 'day' }] },
      }),
    ).toEqual({
      id: 'team-a',
      userId: 'alice',
      models: ['claude-sonnet-*'],
      expiresAt: Date.parse('2026-04-01T00:00:00Z'),
      limits: { requestsPerMinute: 60, budgets: [{ usd: 20, window: 'day' }] },
    });
    expect(parseCreateKeyInput({ id: 'x', expiresAt: 1_800_000_000_000 })).toEqual({
      id: 'x',
      expiresAt: 1_800_000_000_000,
    });
  });

  it.each([
    [{}, 'id'],
    [{ id: '' }, 'id'],
    [{ id: 'a/b' }, 'id'],
    [{ id: 'a', key: 'relay_chosen-by-the-caller' }, '(root)'],
    [{ id: 'a', models: [] }, 'models'],
    [{ id: 'a', models: ['claude sonnet'] }, 'models[0]'],
    [{ id: 'a', expiresAt: 'next tuesday' }, 'expiresAt'],
    [{ id: 'a', expiresAt: 9e15 }, 'expiresAt'],
    // Before the epoch: a record every instance's store would reject (the key works nowhere, changes nowhere).
    [{ id: 'a', expiresAt: '1969-12-31T23:59:59Z' }, 'expiresAt'],
    [{ id: 'a', expiresAt: '0000-01-01T00:00:00Z' }, 'expiresAt'],
    [JSON.parse('{"id":"a","__proto__":{"models":["*"]}}'), '(root)'],
    [{ id: 'a', limits: { requestsPerMinute: 0 } }, 'limits.requestsPerMinute'],
    [{ id: 'a', limits: { rpm: 5 } }, 'limits'],
    [{ id: 'a', limits: { budgets: [{ usd: 5, window: 'year' }] } }, 'limits.budgets[0].window'],
    [{ id: 'a', userId: 5 }, 'userId'],
    ['not an object', '(root)'],
  ])('refuses %j naming %s', (body, field) => {
    let thrown: unknown;
    try {
      parseCreateKeyInput(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KeyInputError);
    expect((thrown as KeyInputError).field).toBe(field);
    expect((thrown as KeyInputError).message).toContain(`invalid key: ${field}:`);
  });
});

describe('parseKeyPatch', () => {
  it('keeps what is given, null included (it removes the field)', () => {
    expect(parseKeyPatch({ models: ['claude-haiku-*'], expiresAt: null, limits: null })).toEqual({
      models: ['claude-haiku-*'],
      expiresAt: null,
      limits: null,
    });
    expect(parseKeyPatch({})).toEqual({});
  });

  it.each([
    [{ id: 'renamed' }, '(root)'],
    [{ keyHash: 'f'.repeat(64) }, '(root)'],
    [{ models: ['ok', ''] }, 'models[1]'],
    [{ limits: { concurrency: 1.5 } }, 'limits.concurrency'],
  ])('refuses %j naming %s', (body, field) => {
    expect(() => parseKeyPatch(body)).toThrow(expect.objectContaining({ field }));
  });
});
