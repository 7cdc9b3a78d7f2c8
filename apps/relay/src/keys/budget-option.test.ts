import { describe, expect, it } from 'vitest';
import { parseBudgetOption } from './budget-option.js';

describe('parseBudgetOption', () => {
  it.each([
    ['20usd/day', { usd: 20, window: 'day' }],
    ['$20/day', { usd: 20, window: 'day' }],
    ['0.5usd/5h', { usd: 0.5, window: '5h' }],
    ['100USD/Month', { usd: 100, window: 'month' }],
    ['7usd/week', { usd: 7, window: 'week' }],
    ['1000usd/total', { usd: 1000, window: 'total' }],
    [' 3usd/168h ', { usd: 3, window: '168h' }],
  ])('%j → %j', (text, budget) => {
    expect(parseBudgetOption(text)).toEqual(budget);
  });

  it.each([
    '20',
    '20usd',
    'usd/day',
    '0usd/day',
    '-1usd/day',
    '20usd/year',
    '20usd/0h',
    '20usd/10000h',
    '20eur/day',
    '1e3usd/day',
    '20000000usd/day',
  ])('refuses %j, saying what it expects', (text) => {
    expect(() => parseBudgetOption(text)).toThrow(/--budget .*expected <dollars>usd\/<window>/);
  });
});
