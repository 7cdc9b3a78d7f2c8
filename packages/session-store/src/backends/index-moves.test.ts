import { describe, expect, it } from 'vitest';
import { indexedFields } from '../session.js';
import { indexMoves } from './index-moves.js';

const steady = { created: false, previousScore: 100, score: 100, previousAccountId: 'account-a', accountId: undefined };

describe('indexMoves', () => {
  it.each([
    ['a counters-only write', steady, []],
    ['the same account recorded again', { ...steady, accountId: 'account-a' }, []],
    ['a move to another account', { ...steady, accountId: 'account-b' }, ['accountId']],
    ['a first account', { ...steady, previousAccountId: undefined, accountId: 'account-a' }, ['accountId']],
    ['an expiry into a later score step', { ...steady, score: 110 }, indexedFields],
    ['a later step and a new account', { ...steady, score: 110, accountId: 'account-b' }, indexedFields],
    ['a session the write created', { ...steady, created: true }, indexedFields],
  ])('%s', (_, facts, expected) => {
    expect(indexMoves(facts)).toEqual(expected);
  });
});
