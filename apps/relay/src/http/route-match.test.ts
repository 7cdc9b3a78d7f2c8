import { describe, expect, it } from 'vitest';
import { matchRoute, pathOf } from './route-match.js';

describe('matchRoute', () => {
  it('matches the exact routes, and HEAD wherever GET is routed', () => {
    expect(matchRoute('POST', '/v1/messages')?.name).toBe('messages');
    expect(matchRoute('POST', '/v1/messages/count_tokens')?.name).toBe('count-tokens');
    expect(matchRoute('GET', '/v1/models')?.name).toBe('models');
    expect(matchRoute('HEAD', '/')?.name).toBe('root');
    expect(matchRoute('HEAD', '/healthz')?.name).toBe('healthz');
    expect(matchRoute('GET', '/admin/stats')?.name).toBe('admin-stats');
  });

  it('decodes the one path parameter of a model or an account', () => {
    expect(matchRoute('GET', '/v1/models/claude%2Dsonnet-4-5')).toEqual({
      name: 'model',
      parameter: 'claude-sonnet-4-5',
    });
    expect(matchRoute('POST', '/admin/accounts/team-a/enable')).toEqual({
      name: 'admin-account-enable',
      parameter: 'team-a',
    });
  });

  it('matches nothing for another method, or a path that is only similar', () => {
    for (const [method, path] of [
      ['GET', '/v1/messages'],
      ['POST', '/v1/models'],
      ['GET', '/v1/../admin/stats'],
      ['GET', '/v1/%2e%2e/admin/stats'],
      ['GET', '//admin/stats'],
      ['GET', '/admin//stats'],
      ['GET', '/ADMIN/stats'],
      ['GET', '/healthz/'],
      ['GET', '/v1/models/'],
      ['GET', '/v1/models/a/b'],
      ['GET', '/v1/models/%2e%2e'],
      ['GET', '/v1/models/a%2Fb'],
      ['GET', '/v1/models/%E0%A4%A'],
      ['POST', '/admin/accounts//enable'],
      ['POST', '/admin/accounts/a/b/enable'],
      ['DELETE', '/v1/messages'],
    ] as const) {
      expect(matchRoute(method, path), `${method} ${path}`).toBeUndefined();
    }
  });
});

describe('pathOf', () => {
  it('cuts the query off', () => {
    expect(pathOf('/v1/messages?beta=true')).toBe('/v1/messages');
    expect(pathOf('/v1/models')).toBe('/v1/models');
  });
});
