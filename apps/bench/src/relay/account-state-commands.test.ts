import { describe, expect, it } from 'vitest';
import { accountStateCommandsAtMost, commandDelta } from './account-state-commands.js';

describe('accountStateCommandsAtMost', () => {
  it.each([
    ['nothing ran', {}, 1, 2],
    ['session store only (EVALSHA, HSET)', { evalsha: 900, hset: 4000 }, 1, 2],
    ['two state changes and three count publications', { eval: 5, evalsha: 900, hset: 4000 }, 1, 27],
    ['expired fields deleted, a clean stop', { eval: 3, hdel: 2 }, 1, 19],
    ['two relays started', { eval: 1 }, 2, 9],
  ])('%s', (_name, delta, starts, expected) => {
    expect(accountStateCommandsAtMost(new Map(Object.entries(delta)), starts)).toBe(expected);
  });
});

describe('commandDelta', () => {
  it('subtracts per command; a command new since the first reading counts whole', () => {
    const before = new Map([
      ['eval', 3],
      ['hset', 10],
    ]);
    const after = new Map([
      ['eval', 7],
      ['hset', 10],
      ['hdel', 1],
    ]);
    expect(Object.fromEntries(commandDelta(before, after))).toEqual({ eval: 4, hset: 0, hdel: 1 });
  });
});
