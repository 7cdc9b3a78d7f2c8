import { describe, expect, it } from 'vitest';
import { createKeyBody, emptyKeyForm, type KeyFormFields } from './key-form.js';

const now = Date.UTC(2026, 11, 1, 12, 0, 0);
const form = (change: Partial<KeyFormFields>): KeyFormFields => ({ ...emptyKeyForm, id: 'alice', ...change });

describe('createKeyBody', () => {
  it.each([
    ['only an id', form({}), { body: { id: 'alice' } }],
    ['the id is trimmed', form({ id: '  team.a@x ' }), { body: { id: 'team.a@x' } }],
    [
      'everything',
      form({
        userId: ' alice@example.com ',
        models: 'claude-sonnet-*, claude-haiku-4-5\nclaude-opus-*',
        expiresAt: new Date(now + 86_400_000).toISOString(),
        requestsPerMinute: '60',
        tokensPerMinute: ' 200000 ',
        concurrency: '4',
        budgets: [
          { usd: '20', window: 'day' },
          { usd: '0.5', window: '5h' },
        ],
      }),
      {
        body: {
          id: 'alice',
          userId: 'alice@example.com',
          models: ['claude-sonnet-*', 'claude-haiku-4-5', 'claude-opus-*'],
          expiresAt: new Date(now + 86_400_000).toISOString(),
          limits: {
            requestsPerMinute: 60,
            tokensPerMinute: 200_000,
            concurrency: 4,
            budgets: [
              { usd: 20, window: 'day' },
              { usd: 0.5, window: '5h' },
            ],
          },
        },
      },
    ],
    ['a missing id', form({ id: ' ' }), { errors: { id: 'Use 1 to 64 letters, digits, ".", "_", "@" or "-".' } }],
    [
      'an id with a slash',
      form({ id: 'a/b' }),
      { errors: { id: 'Use 1 to 64 letters, digits, ".", "_", "@" or "-".' } },
    ],
    [
      'a bad model pattern',
      form({ models: 'claude-*, claude sonnet?' }),
      { errors: { models: '"sonnet?" is not a model pattern (letters, digits, ".:@_-" and *).' } },
    ],
    [
      'an expiry in the past',
      form({ expiresAt: new Date(now - 1000).toISOString() }),
      { errors: { expiresAt: 'Must be in the future.' } },
    ],
    ['an expiry that is no date', form({ expiresAt: 'soon' }), { errors: { expiresAt: 'Not a date and time.' } }],
    [
      'limits that are no whole numbers',
      form({ requestsPerMinute: '0', tokensPerMinute: '1.5', concurrency: 'x' }),
      {
        errors: {
          requestsPerMinute: 'A whole number from 1.',
          tokensPerMinute: 'A whole number from 1.',
          concurrency: 'A whole number from 1.',
        },
      },
    ],
    [
      'a budget without dollars or window',
      form({
        budgets: [
          { usd: '', window: 'day' },
          { usd: '5', window: 'fortnight' },
        ],
      }),
      { errors: { 'budgets.0.usd': 'Dollars above 0, at most 10,000,000.', 'budgets.1.window': 'Choose a window.' } },
    ],
  ])('%s', (_name, fields, expected) => {
    expect(createKeyBody(fields, now)).toEqual(expected);
  });
});
