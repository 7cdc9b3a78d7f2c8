import { describe, expect, it } from 'vitest';
import type { BodyEnd } from '../upstream/attempt-end.js';
import { billedModel, billingOf } from './billable-attempt.js';

describe('billingOf', () => {
  it.each<[number, BodyEnd, ReturnType<typeof billingOf>]>([
    [200, 'complete', 'complete'],
    [200, 'truncated', 'incomplete'],
    [200, 'stalled', 'incomplete'],
    [200, 'upstream-failed', 'incomplete'],
    [200, 'malformed', 'incomplete'],
    [200, 'error-event', 'incomplete'],
    [200, 'client-gone', 'incomplete'],
    [200, 'client-stalled', 'incomplete'],
    [400, 'complete', undefined],
    [429, 'complete', undefined],
    [529, 'complete', undefined],
  ])('status %i, body %s: %s', (status, end, billing) => {
    expect(billingOf(status, end)).toBe(billing);
  });
});

describe('billedModel', () => {
  it.each<[string | undefined, string | undefined, string]>([
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929'],
    [undefined, 'claude-haiku-4-5', 'claude-haiku-4-5'],
    ['has space', 'claude-haiku-4-5', 'claude-haiku-4-5'],
    [undefined, '{brace}', 'unknown'],
    [undefined, undefined, 'unknown'],
    [undefined, 'x'.repeat(129), 'unknown'],
  ])('response %s, request %s: %s', (response, request, model) => {
    expect(billedModel(response, () => request)).toBe(model);
  });

  it('reads the request model only when the response names none', () => {
    let reads = 0;
    billedModel('claude-opus-4-6', () => {
      reads += 1;
      return 'x';
    });
    expect(reads).toBe(0);
  });
});
