import { describe, expect, it } from 'vitest';
import { readUsageWindows } from './usage-windows.js';
import { assessWindows } from './window-assessment.js';

const now = Date.parse('2026-12-01T12:00:00Z');
const epoch = (offsetMs: number) => String(Math.floor((now + offsetMs) / 1000));
const threeHours = 3 * 60 * 60 * 1000;

describe('assessWindows', () => {
  it.each([
    ['nothing known', {}, 0, { blockedUntil: undefined, headroom: 1, warning: false }],
    [
      'a rejected unified window without retry-after, until its reset',
      { 'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': epoch(threeHours) },
      0,
      { blockedUntil: Math.floor((now + threeHours) / 1000) * 1000, headroom: 0, warning: false },
    ],
    [
      'the same window once its reset has passed: re-admitted by itself',
      { 'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': epoch(threeHours) },
      threeHours + 1000,
      { blockedUntil: undefined, headroom: 1, warning: false },
    ],
    [
      'a rejected 5h window',
      {
        'anthropic-ratelimit-unified-status': 'rejected',
        'anthropic-ratelimit-unified-5h-status': 'rejected',
        'anthropic-ratelimit-unified-5h-utilization': '1',
        'anthropic-ratelimit-unified-5h-reset': epoch(60_000),
      },
      0,
      { blockedUntil: Math.floor((now + 60_000) / 1000) * 1000, headroom: 0, warning: false },
    ],
    [
      'a 5h window at 97 %',
      {
        'anthropic-ratelimit-unified-status': 'allowed',
        'anthropic-ratelimit-unified-5h-utilization': '0.97',
        'anthropic-ratelimit-unified-5h-reset': epoch(threeHours),
      },
      0,
      { blockedUntil: undefined, headroom: 0.030000000000000027, warning: false },
    ],
    [
      'a warning',
      {
        'anthropic-ratelimit-unified-status': 'allowed_warning',
        'anthropic-ratelimit-unified-reset': epoch(threeHours),
        'anthropic-ratelimit-unified-7d-utilization': '0.8',
        'anthropic-ratelimit-unified-7d-reset': epoch(threeHours),
      },
      0,
      { blockedUntil: undefined, headroom: 0.19999999999999996, warning: true },
    ],
    [
      'standard tokens nearly spent',
      {
        'anthropic-ratelimit-tokens-limit': '1000',
        'anthropic-ratelimit-tokens-remaining': '50',
        'anthropic-ratelimit-tokens-reset': new Date(now + 30_000).toISOString(),
      },
      0,
      { blockedUntil: undefined, headroom: 0.05, warning: false },
    ],
    [
      'standard tokens after their reset',
      {
        'anthropic-ratelimit-tokens-limit': '1000',
        'anthropic-ratelimit-tokens-remaining': '0',
        'anthropic-ratelimit-tokens-reset': new Date(now + 30_000).toISOString(),
      },
      31_000,
      { blockedUntil: undefined, headroom: 1, warning: false },
    ],
  ])('%s', (_name, headers, elapsedMs, expected) => {
    const assessment = assessWindows(readUsageWindows(headers, now), now + elapsedMs);
    expect(assessment).toMatchObject(expected);
  });

  it('names the binding window', () => {
    const assessment = assessWindows(
      readUsageWindows(
        {
          'anthropic-ratelimit-unified-5h-utilization': '0.2',
          'anthropic-ratelimit-unified-5h-reset': epoch(threeHours),
          'anthropic-ratelimit-unified-7d-utilization': '0.6',
          'anthropic-ratelimit-unified-7d-reset': epoch(threeHours * 10),
        },
        now,
      ),
      now,
    );
    expect(assessment.binding).toBe('seven_day');
  });
});
