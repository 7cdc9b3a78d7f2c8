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
  ] as const)('%j allows %j: %s', (patterns, model, allowed) => {
    expect(compileModelAllowList(patterns).allows(model)).toBe(allowed);
  });

  it('compiles a list once and reuses it for the same array', () => {
    const patterns = ['claude-sonnet-*'];
    expect(modelAllowListOf(patterns)).toBe(modelAllowListOf(patterns));
    expect(modelAllowListOf(patterns)).not.toBe(modelAllowListOf([...patterns]));
  });
});
