import { describe, expect, it } from 'vitest';
import { decideRestart, type RestartPolicy } from './restart-policy.js';

const policy: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 1_000, maxCrashes: 4, windowMs: 10_000 };

describe('decideRestart', () => {
  it.each([
    ['first crash', [50_000], { action: 'restart', delayMs: 100 }],
    ['second crash in the window', [49_000, 50_000], { action: 'restart', delayMs: 200 }],
    ['third crash in the window', [48_000, 49_000, 50_000], { action: 'restart', delayMs: 400 }],
    ['fourth crash in the window: give up', [47_000, 48_000, 49_000, 50_000], { action: 'give-up', crashes: 4 }],
    ['old crashes are forgotten', [10_000, 20_000, 30_000, 50_000], { action: 'restart', delayMs: 100 }],
  ])('%s', (_name, crashes, expected) => {
    expect(decideRestart(crashes, crashes.at(-1) as number, policy)).toEqual(expected);
  });

  it('caps the delay at maxDelayMs', () => {
    const many = { ...policy, maxCrashes: 100 };
    expect(decideRestart([1, 2, 3, 4, 5, 6, 7], 7, many)).toEqual({ action: 'restart', delayMs: 1_000 });
  });
});
