import { describe, expect, it } from 'vitest';
import { compileModelAllowList, modelAllowListOf } from './model-allow-list.js';

describe('compileModelAllowList', () => {
  it.each([
    [['claude-sonnet-4-5'], 'claude-sonnet-4-5', true],
    [['claude-sonnet-4-5'], 'claude-sonnet-4-5-20250929', false],
    [['claude-sonnet-4-5'], 'claude-sonnet-4', false],
    [['claude-sonnet-*'], 'claude-sonnet-4-5', true],
    [['claude-sonnet-*'], 'claude-sonnet-', true],
    [['claude-sonnet-*'], 'claude-opus-4-1', false],
    [['claude-sonnet-*'], 'xclaude-sonnet-4', false],
    [['*-haiku-*'], 'claude-haiku-4-5', true],
    [['*-haiku-*'], 'claude-haiku', false],
    [['claude-*-4-5'], 'claude-opus-4-5', true],
    [['claude-*-4-5'], 'claude-opus-4-1', false],
    [['*'], 'anything at all', true],
    [['claude-opus-4-1', '*'], 'claude-sonnet-4-5', true],
    [['claude-opus-4-1', 'claude-sonnet-*'], 'claude-opus-4-1', true],
    [['claude-opus-4-1', 'claude-sonnet-*'], 'claude-sonnet-4-5', true],
    [['claude-opus-4-1', 'claude-sonnet-*'], 'claude-haiku-4-5', false],
    // Only `*` is special: a dot, a plus or a bracket in a pattern is itself.
    [['claude.3*'], 'claudex3-opus', false],
    [['claude.3*'], 'claude.3-opus', true],
    [['a+b'], 'aab', false],
    [['a+b'], 'a+b', true],
    [['claude-*'], 'claude-sonnet\n-4', true],
    [['claude-sonnet-*'], '', false],
    [['*sonnet*4*'], 'claude-sonnet-4-6', true],
    [['*sonnet*4*'], 'claude-sonnet-3', false],
    [['a*a'], 'a', false],
    [['a*a'], 'aa', true],
    [['**'], '', true],
    [['*a*'], '', false],
    [['ab*ba'], 'aba', false],
    [['ab*ba'], 'abba', true],
    [['*-4-5*-4-5'], 'claude-4-5-4-5', true],
    [['*-4-5*-4-5'], 'claude-4-5', false],
  ] as const)('%j allows %j: %s', (patterns, model, allowed) => {
    expect(compileModelAllowList(patterns).allows(model)).toBe(allowed);
  });

  it('matches in linear time: a long name against patterns with several `*` (no backtracking blow-up)', {
    timeout: 20_000,
  }, () => {
    const list = compileModelAllowList(['*sonnet*4*', '*claude*sonnet*', 'claude-*-*-*-4']);
    expect(list.allows('sonnet'.repeat(200_000))).toBe(false);
    expect(list.allows('claude'.repeat(200_000))).toBe(false);
    expect(list.allows(`claude-${'-'.repeat(200_000)}x`)).toBe(false);
    expect(list.allows(`${'sonnet'.repeat(200_000)}4`)).toBe(true);
  });

  it('compiles a list once and reuses it for the same array', () => {
    const patterns = ['claude-sonnet-*'];
    expect(modelAllowListOf(patterns)).toBe(modelAllowListOf(patterns));
    expect(modelAllowListOf(patterns)).not.toBe(modelAllowListOf([...patterns]));
  });
});
