import { describe, expect, it } from 'vitest';
import { chooseAccountForNewSession, type SchedulingCandidate } from './account-scheduler.js';

const candidate = (id: string, fields: Partial<SchedulingCandidate> = {}): SchedulingCandidate => ({
  id,
  priority: 0,
  headroom: 1,
  warning: false,
  boundSessions: 0,
  inFlight: 0,
  ...fields,
});

/** A seeded generator (mulberry32), so a table row is repeatable. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('chooseAccountForNewSession', () => {
  it.each([
    ['none usable', [], undefined],
    ['the only one', [candidate('a', { boundSessions: 9 })], 'a'],
    [
      'the lowest priority number first',
      [candidate('a', { priority: 1 }), candidate('b', { priority: 0, boundSessions: 50 })],
      'b',
    ],
    ['fewer bound sessions', [candidate('a', { boundSessions: 3 }), candidate('b', { boundSessions: 2 })], 'b'],
    ['fewer in flight', [candidate('a', { inFlight: 2 }), candidate('b', { inFlight: 1 })], 'b'],
    [
      'headroom over a 97 % window',
      [candidate('a', { headroom: 0.03 }), candidate('b', { headroom: 0.9, boundSessions: 20 })],
      'b',
    ],
    ['no warning over a warning', [candidate('a', { warning: true }), candidate('b', { boundSessions: 20 })], 'b'],
    [
      'the most headroom when all are low',
      [candidate('a', { headroom: 0.02 }), candidate('b', { headroom: 0.05, boundSessions: 9 })],
      'b',
    ],
  ])('%s', (_name, candidates, expected) => {
    expect(chooseAccountForNewSession(candidates, seeded(1))?.id).toBe(expected);
  });

  it('spreads sequential new sessions evenly over equal accounts, whatever the seed', () => {
    for (let seed = 0; seed < 200; seed += 1) {
      const random = seeded(seed);
      const accounts = [candidate('a'), candidate('b'), candidate('c')];
      for (let session = 0; session < 12; session += 1) {
        const chosen = chooseAccountForNewSession(accounts, random);
        if (!chosen) throw new Error('no account chosen');
        chosen.boundSessions += 1;
      }
      expect(accounts.map((account) => account.boundSessions)).toEqual([4, 4, 4]);
    }
  });

  it("breaks ties at random, so no account is every tie-break's favourite", () => {
    const random = seeded(7);
    const firsts = new Set<string>();
    for (let round = 0; round < 50; round += 1) {
      const chosen = chooseAccountForNewSession([candidate('a'), candidate('b'), candidate('c')], random);
      if (chosen) firsts.add(chosen.id);
    }
    expect([...firsts].sort()).toEqual(['a', 'b', 'c']);
  });
});
