import { describe, expect, it } from 'vitest';
import { jsonErrorPosition } from './json-error-position.js';

describe('jsonErrorPosition', () => {
  it.each([
    ['{"a": 1}', undefined],
    [' [1, "two", {"three": [true, false, null, -1.5e3]}] ', undefined],
    ['{ not json', { line: 1, column: 3 }],
    ['[tru]', { line: 1, column: 2 }],
    ['{"a": 1,}', { line: 1, column: 9 }],
    ['{\n  "apiKey": "sk-ant-secret"\n  "next": 1\n}', { line: 3, column: 3 }],
    ['{"a": sk-ant-123}', { line: 1, column: 7 }],
    ['{"a": "unterminated', { line: 1, column: 7 }],
    ['{"a": 1} x', { line: 1, column: 10 }],
    ['', { line: 1, column: 1 }],
    ['[01]', { line: 1, column: 3 }],
  ])('%j → %j', (text, expected) => {
    expect(jsonErrorPosition(text)).toEqual(expected);
  });

  it('agrees with JSON.parse on what is valid', () => {
    for (const text of ['{"a":"\\u00e9\\n"}', '"\\x"', '{"a":"\u0001"}', '[1,]', '-', '1e', '{"a" 1}']) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(jsonErrorPosition(text) === undefined).toBe(valid);
    }
  });
});
