import { describe, expect, it } from 'vitest';
import { isolatedPoints } from './isolated-points.js';

describe('isolatedPoints', () => {
  it.each([
    [[], []],
    [[1], [0]],
    [[1, 2, 3], []],
    [[null, 9, null, null], [1]],
    [
      [4, null, 5, 6, null, 7],
      [0, 5],
    ],
    [[undefined, 0, undefined], [1]],
  ])('%j → %j', (values, expected) => {
    expect(isolatedPoints(values)).toEqual(expected);
  });
});
