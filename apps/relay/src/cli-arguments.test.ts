import { describe, expect, it } from 'vitest';
import { parseCliArguments } from './cli-arguments.js';

const now = Date.parse('2026-03-01T12:00:00Z');
const parse = (line: string) => parseCliArguments(line.split(' ').filter(Boolean), now);

describe('parseCliArguments: relay keys', () => {
  it('reads every option of "keys create"', () => {
    expect(
      parse(
        'keys create --id ci --rpm 60 --tpm 100000 --concurrency 4 --budget 20usd/day --budget 100usd/month ' +
          '--models claude-sonnet-*,claude-haiku-* --models claude-opus-4-1 --expires 30d --user alice ' +
          '--url http://10.0.0.5:3000 --admin-token admin-token-0123456789 --config relay.json',
      ),
    ).toEqual({
      kind: 'keys',
      configFile: 'relay.json',
      url: 'http://10.0.0.5:3000',
      adminToken: 'admin-token-0123456789',
      action: {
        name: 'create',
        id: 'ci',
        userId: 'alice',
        models: ['claude-sonnet-*', 'claude-haiku-*', 'claude-opus-4-1'],
        expiresAt: now + 30 * 86_400_000,
        limits: {
          requestsPerMinute: 60,
          tokensPerMinute: 100_000,
          concurrency: 4,
          budgets: [
            { usd: 20, window: 'day' },
            { usd: 100, window: 'month' },
          ],
        },
      },
    });
  });

  it.each([
    ['keys create', { name: 'create', id: undefined }],
    ['keys create --id ci', { name: 'create', id: 'ci' }],
    ['keys list', { name: 'list', json: false }],
    ['keys list --json', { name: 'list', json: true }],
    ['keys revoke ci', { name: 'revoke', id: 'ci' }],
  ])('%s', (line, action) => {
    expect(parse(line)).toMatchObject({ kind: 'keys', action });
  });

  it.each([
    ['keys', /did you mean "relay keys create"/],
    ['keys delete ci', /did you mean/],
    ['keys revoke', /exactly one key id/],
    ['keys revoke a b', /exactly one key id/],
    ['keys create --rpm 0', /--rpm must be a positive integer/],
    ['keys create --tpm 1.5', /--tpm must be a positive integer/],
    ['keys create --concurrency many', /--concurrency must be a positive integer/],
    ['keys create --budget 20/year', /--budget "20\/year"/],
    ['keys create --expires soon', /--expires "soon"/],
    ['keys create --models a,,b', /empty model pattern/],
  ])('refuses "%s"', (line, message) => {
    expect(() => parse(line)).toThrow(message);
  });
});
