import { describe, expect, it } from 'vitest';
import { SlidingWindow } from './sliding-window.js';

describe('SlidingWindow', () => {
  const start = 1_700_000_000_000;

  it('sums the last windowMs and forgets what slid out, bucket by bucket', () => {
    const window = new SlidingWindow(['requests', 'errors'] as const, 60_000, 12);
    window.add('requests', 10, start);
    window.add('errors', 1, start);
    window.add('requests', 5, start + 30_000);
    expect(window.total('requests', start + 30_000)).toBe(15);
    expect(window.total('errors', start + 30_000)).toBe(1);
    // 60 s later the first bucket has slid out; the second is still in.
    expect(window.total('requests', start + 60_000)).toBe(5);
    expect(window.total('errors', start + 60_000)).toBe(0);
    // After a long quiet spell (many windows), nothing is left.
    expect(window.total('requests', start + 3_600_000)).toBe(0);
    window.add('requests', 2, start + 3_600_000);
    expect(window.total('requests', start + 3_600_000)).toBe(2);
  });

  it('puts a time older than the window (a clock stepped back) into the newest bucket', () => {
    const window = new SlidingWindow(['requests'] as const, 60_000, 12);
    window.add('requests', 1, start + 120_000);
    window.add('requests', 1, start);
    window.add('requests', 1, start + 100_000);
    expect(window.total('requests', start + 120_000)).toBe(3);
  });
});
