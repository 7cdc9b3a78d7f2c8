import { describe, expect, it } from 'vitest';
import { defaultMockText, expectedText, splitIntoDeltas } from './mock-text.js';
import { estimateTokens } from './token-estimate.js';

describe('mock text', () => {
  it('is one word per delta by default, repeating the sentence', () => {
    expect(defaultMockText(3)).toBe('Hello from the');
    expect(defaultMockText(8)).toBe('Hello from the mock Anthropic upstream. Hello from');
    expect(expectedText()).toBe(defaultMockText(10));
    expect(expectedText({ text: 'fixed', deltas: 3 })).toBe('fixed');
  });

  it('splits a text into nearly equal pieces that never cut a code point', () => {
    expect(splitIntoDeltas('abcdefghij', 3)).toEqual(['abc', 'def', 'ghij']);
    expect(splitIntoDeltas('👋👋👋', 2)).toEqual(['👋', '👋👋']);
    expect(splitIntoDeltas('ab', 5)).toEqual(['a', 'b']);
    expect(splitIntoDeltas('', 5)).toEqual([]);
  });

  it('estimates one token per 4 bytes, at least 1', () => {
    expect([0, 1, 4, 5, 400].map(estimateTokens)).toEqual([1, 1, 1, 2, 100]);
  });
});
