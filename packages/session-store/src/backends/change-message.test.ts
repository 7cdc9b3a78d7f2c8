import { describe, expect, it } from 'vitest';
import { decodeChangeMessage } from './change-message.js';

describe('decodeChangeMessage', () => {
  it.each([
    ['{"from":"a","sessions":["s1"],"affinities":["s2"]}', { from: 'a', sessions: ['s1'], affinities: ['s2'] }],
    ['{"from":"a","sessions":["s1"]}', { from: 'a', sessions: ['s1'] }],
    ['{"from":"a"}', { from: 'a' }],
  ])('accepts %s', (raw, expected) => {
    expect(decodeChangeMessage(raw)).toEqual({ message: expected });
  });

  it.each([
    ['"sessions" is not an array of strings', '{"from":"x","sessions":5}'],
    ['"sessions" is not an array of strings', '{"from":"x","sessions":[1]}'],
    ['"affinities" is not an array of strings', '{"from":"x","affinities":{"length":3}}'],
    ['"from" is not a string', '{"sessions":["s1"]}'],
    ['not a JSON object', 'null'],
    ['not a JSON object', '[]'],
    ['not a JSON object', '"text"'],
    ['not JSON', '{'],
    ['longer than 1048576 characters', 'x'.repeat(1024 * 1024 + 1)],
  ])('refuses a message: %s', (reason, raw) => {
    expect(decodeChangeMessage(raw)).toEqual({ reason });
  });
});
