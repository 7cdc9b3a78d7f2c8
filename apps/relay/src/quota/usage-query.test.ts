import { describe, expect, it } from 'vitest';
import { parseUsageQuery } from './usage-query.js';

const now = Date.UTC(2026, 11, 10, 15, 30);

describe('parseUsageQuery', () => {
  it.each([
    ['', { keyId: undefined, fromDay: '20261204', toDay: '20261210', groupBy: ['day'] }],
    [
      'keyId=team-a&accountId=acct-1&model=claude-opus-4-6&from=2026-12-01&to=2026-12-03&groupBy=model',
      {
        keyId: 'team-a',
        accountId: 'acct-1',
        model: 'claude-opus-4-6',
        fromDay: '20261201',
        toDay: '20261203',
        groupBy: ['model'],
      },
    ],
    ['from=2026-11-30T23:59:59Z&to=2026-12-01T00:00:00.000Z', { fromDay: '20261130', toDay: '20261201' }],
    ['from=2026-12-02T01:00:00%2B02:00', { fromDay: '20261201', toDay: '20261210' }],
    ['groupBy=key,model,key', { groupBy: ['key', 'model'] }],
    ['keyId=', { keyId: undefined }],
  ])('%s', (search, expected) => {
    expect(parseUsageQuery(new URLSearchParams(search), now)).toMatchObject(expected);
  });

  it.each([
    ['from=yesterday', /^from must be a date/],
    ['to=2026-02-31', /^to must be a date/],
    ['from=2026-12-05&to=2026-12-01', /^from must not be after to/],
    ['from=2024-01-01&to=2026-01-01', /at most 400 days/],
    ['groupBy=week', /^groupBy must be day, key, account or model/],
    ['keyId=a%20b', /^keyId must be an id/],
    [`model=${'m'.repeat(257)}`, /^model must be an id/],
  ])('%s is refused: %s', (search, message) => {
    const parsed = parseUsageQuery(new URLSearchParams(search), now);
    expect('error' in parsed && parsed.error).toMatch(message);
  });
});
